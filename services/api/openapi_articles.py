"""The OpenAPI operations of articles as records and trusted commenters (issue 15)."""

from __future__ import annotations

from typing import Any

from services.api.openapi import ARTICLE, COMMENT, _json, _op

AUTHOR_HASH = {
    "name": "author_hash",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "description": "The author's email_hash, as the moderation API shows it.",
}
TRUSTED_AUTHOR = {
    "type": "object",
    "required": ["hash", "reason", "comment_id", "by", "at"],
    "properties": {
        "hash": {"type": "string"},
        "reason": {"type": "string"},
        "comment_id": {"type": ["string", "null"], "description": "The comment trusted by."},
        "by": {"type": "string"},
        "at": {"type": "string"},
    },
}
OPTIONAL_REASON = {
    "required": False,
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TrustedAuthor"}}},
}


def article_paths() -> dict[str, Any]:
    trust_comment = _op(
        "trustCommentAuthor",
        "Trust the author of this comment (audited).",
        {"200": _json(TRUSTED_AUTHOR, "The author is trusted.")},
        problems=(404, 415, 422),
        parameters=(COMMENT,),
        role="moderator",
    )
    trust_comment["requestBody"] = OPTIONAL_REASON
    trust_hash = _op(
        "trustAuthor",
        "Trust an author by their email hash (audited): their comments skip the holds that "
        "come from scores and pre-moderation, never a ban, a disallowed word or a rejection.",
        {"200": _json(TRUSTED_AUTHOR, "The author is trusted.")},
        problems=(415, 422),
        parameters=(AUTHOR_HASH,),
        role="moderator",
    )
    trust_hash["requestBody"] = OPTIONAL_REASON
    return {
        "/v1/articles/{article_id}": {
            "get": _op(
                "getArticle",
                "The article's record with the comment settings in force.",
                {"200": _json("article-view.schema.json", "The article.")},
                problems=(404,),
                parameters=(ARTICLE,),
                role="site",
            ),
            "put": _op(
                "putArticle",
                "Create or replace the article's record; a change of its comment settings "
                "(closing, reopening, pre-moderation) is audited.",
                {
                    "200": _json("article-view.schema.json", "Replaced."),
                    "201": _json("article-view.schema.json", "Created."),
                },
                problems=(404,),
                parameters=(ARTICLE,),
                body="article.schema.json",
                role="site",
            ),
        },
        "/v1/moderation/trusted": {
            "get": _op(
                "listTrusted",
                "The trusted commenters, most recently trusted first.",
                {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {"trusted": {"type": "array", "items": TRUSTED_AUTHOR}},
                        },
                        "The trusted commenters.",
                    )
                },
                role="moderator",
            )
        },
        "/v1/moderation/trusted/{author_hash}": {
            "put": trust_hash,
            "delete": _op(
                "untrustAuthor",
                "Stop trusting an author (audited).",
                {"204": {"description": "No longer trusted."}},
                problems=(404, 422),
                parameters=(AUTHOR_HASH,),
                role="moderator",
            ),
        },
        "/v1/moderation/comments/{comment_id}/trust": {"post": trust_comment},
    }
