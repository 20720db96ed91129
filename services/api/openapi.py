"""The OpenAPI 3.1 document, assembled from the same JSON Schemas the API validates with."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from aiohttp import web

from services.core.schemas import schemas
from services.core.submission import FORM_FIELDS, FORM_OPTIONAL, SCHEMA

PROBLEM = "application/problem+json"
PROBLEMS = {
    400: "Malformed JSON, form or query, or text that is not valid UTF-8.",
    401: "No token, or one that is not valid or was revoked.",
    403: "The token's role may not do this; or, for a comment, the article's comments are "
    "closed (type /problems/comments-closed).",
    404: "No such resource.",
    409: "A conflict: a duplicate comment, a reply to a comment that is not published on the "
    "article, a decision on a comment decided meanwhile, or rules changed meanwhile; a "
    "repeated report, or a report on a comment that is not published.",
    413: "The body is larger than the configured limit.",
    415: "Not JSON (or, for comments, a urlencoded form) in UTF-8.",
    422: "The document breaks its schema; `errors` names every failing field.",
    429: "Too many comments (or reports) from this author or client; see Retry-After.",
    503: "Unavailable for now (Redis does not answer, or too many streams are open).",
}


def _component_name(file_name: str) -> str:
    return str(schemas()[file_name]["title"])


def _rewrite_refs(node: Any) -> Any:
    """Point `$ref`s between schema files at the document's components, and drop file metadata."""
    if isinstance(node, dict):
        out = {k: _rewrite_refs(v) for k, v in node.items() if k not in {"$id", "$schema"}}
        if isinstance(node.get("$ref"), str) and node["$ref"] in schemas():
            out["$ref"] = f"#/components/schemas/{_component_name(node['$ref'])}"
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


def _ref(file_name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{_component_name(file_name)}"}


def _form_schema() -> dict[str, Any]:
    """The WordPress form's fields, each with the schema of the JSON field it maps onto."""
    submission = schemas()[SCHEMA]
    properties: dict[str, Any] = {}
    for form_name, path in FORM_FIELDS.items():
        node: Any = submission
        for step in path:
            node = node["properties"][step]
        field = _rewrite_refs(copy.deepcopy(node))
        if form_name in FORM_OPTIONAL:  # a form sends its empty fields; they count as absent
            empty = [{"const": ""}] + ([{"const": "0"}] if form_name == "comment_parent" else [])
            field = {"anyOf": [field, *empty]}
        properties[form_name] = field
    return {
        "type": "object",
        "description": "The fields of WordPress's comment form; `submit`, `comment_post_ID` and "
        "`wp-comment-cookies-consent` are accepted and ignored, as are empty `url` and "
        "`comment_parent=0`.",
        "required": ["comment", "author", "email"],
        "properties": properties,
        "additionalProperties": False,
    }


def _json(schema: str | dict[str, Any], description: str) -> dict[str, Any]:
    body = _ref(schema) if isinstance(schema, str) else schema
    return {"description": description, "content": {"application/json": {"schema": body}}}


def _op(
    operation_id: str,
    summary: str,
    responses: dict[str, Any],
    *,
    problems: tuple[int, ...] = (),
    parameters: tuple[dict[str, Any], ...] = (),
    body: str | None = None,
    role: str | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": operation_id, "summary": summary}
    if parameters:
        operation["parameters"] = list(parameters)
    if body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(body)}},
        }
    statuses = set(problems) | ({400, 413, 415, 422} if body else set())
    if role:
        operation["security"] = [{"bearer": []}]
        operation["description"] = f"Needs a token with the {role} role (or a stronger one)."
        statuses |= {401, 403}
    operation["responses"] = {
        **responses,
        **{
            str(s): {
                "description": PROBLEMS[s],
                "content": {PROBLEM: {"schema": _ref("problem.schema.json")}},
            }
            for s in sorted(statuses)
        },
    }
    return operation


def _path(name: str, schema: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": _ref(schema)}


def _query(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    param = {"name": name, "in": "query", "schema": schema}
    return {**param, "description": description} if description else param


LIMIT = _query("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50})
ARTICLE = _path("article_id", "article-id.schema.json")
COMMENT = _path("comment_id", "comment-id.schema.json")
STATUS = {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}}
VIEW = _query(
    "view",
    {"enum": ["flat", "tree"], "default": "flat"},
    "tree: a page of whole threads, replies nested at most 5 deep; `limit` counts comments "
    "(default and most 1,000) and `cursor` is a tree page's `next_cursor`.",
)
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}
ORDER = _query(
    "order",
    {"enum": ["oldest", "newest"], "default": "oldest"},
    "newest: the latest first (threads by their top-level comment; replies stay in order).",
)


def _cacheable(response: dict[str, Any]) -> dict[str, Any]:
    return {
        **response,
        "headers": {
            "ETag": {
                "schema": {"type": "string"},
                "description": "Changes with the published set.",
            },
            "Cache-Control": {"schema": {"type": "string"}},
        },
    }


@cache
def document() -> dict[str, Any]:
    # Imported here: that module builds its operations with this one's helpers.
    from services.api.openapi_articles import article_paths

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Leave a Reply: comment moderation service",
            "version": "1",
            "description": "Accepts comments for articles, moderates them, publishes the "
            "approved ones. Every error is application/problem+json (RFC 9457).",
        },
        "paths": _with_reader_paths(
            {
                **_public_paths(),
                **_moderation_paths(),
                **article_paths(),  # articles, trusted commenters (issue 15)
                **_webhook_paths(),
                **_service_paths(),
                **_report_paths(),
            }
        ),
        "components": {
            "schemas": {
                _component_name(name): _rewrite_refs(schema) for name, schema in schemas().items()
            },
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `comments token create --role ROLE --name NAME`.",
                }
            },
        },
    }


def _public_paths() -> dict[str, Any]:
    submit = _op(
        "submitComment",
        "Submit a comment; it is stored and queued for moderation.",
        {
            "202": {
                **_json("comment-accepted.schema.json", "Accepted and queued."),
                "headers": {
                    "Location": {
                        "description": "The comment's status URL.",
                        "schema": {"type": "string"},
                    }
                },
            }
        },
        problems=(400, 403, 404, 409, 413, 415, 422, 429),  # 403: comments closed
        parameters=(ARTICLE,),
    )
    submit["requestBody"] = {
        "required": True,
        "content": {
            "application/json": {"schema": _ref(SCHEMA)},
            "application/x-www-form-urlencoded": {"schema": _form_schema()},
        },
    }
    cursor = _query("cursor", {"type": "string", "pattern": "^[0-9]{1,18}$"},
                    "A `next_cursor` from an earlier page.")  # fmt: skip
    return {
        "/v1/articles/{article_id}/comments": {
            "post": submit,
            "get": _op(
                "listComments",
                "The article's published comments: a page in publication order (`order`: "
                "oldest or newest first), or with `view=tree` a page of whole threads. "
                "Cacheable: ETag and Cache-Control, 304 to a matching If-None-Match.",
                {
                    "200": _cacheable(
                        {
                            "description": "A page of comments, or the threads.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "oneOf": [
                                            _ref("comment-list.schema.json"),
                                            _ref("comment-tree.schema.json"),
                                        ]
                                    }
                                }
                            },
                        }
                    ),
                    "304": _cacheable({"description": "Not modified since that ETag."}),
                },
                problems=(400, 404),
                parameters=(ARTICLE, VIEW, ORDER, LIMIT, cursor, IF_NONE_MATCH),
            ),
        },
        "/v1/articles/{article_id}/comments/count": {
            "get": _op(
                "countComments",
                "How many comments of the article are published. Cacheable as the list.",
                {
                    "200": _cacheable(_json("comment-count.schema.json", "The count.")),
                    "304": _cacheable({"description": "Not modified since that ETag."}),
                },
                problems=(404,),
                parameters=(ARTICLE, IF_NONE_MATCH),
            )
        },
        "/v1/articles/{article_id}/comments/stream": {
            "get": _op(
                "streamComments",
                "Server-sent events of the article: `comment.published` (data: "
                "CommentEvent) and `comment.removed`, each with its id; reconnecting with "
                "Last-Event-ID resumes after it, nothing lost or repeated. A comment line "
                "every 15 s keeps the connection open.",
                {
                    "200": {
                        "description": "An event stream.",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}},
                    }
                },
                problems=(400, 404, 503),
                parameters=(
                    ARTICLE,
                    {
                        "name": "Last-Event-ID",
                        "in": "header",
                        "schema": {"type": "string", "pattern": r"^\d{1,16}-\d{1,16}$"},
                    },
                ),
            )
        },
        "/v1/comments/{comment_id}": {
            "get": _op(
                "getComment",
                "A comment's status, and the comment as readers see it once published.",
                {"200": _json("comment-status.schema.json", "The comment's status.")},
                problems=(404,),
                parameters=(COMMENT,),
            )
        },
    }


def _moderation_paths() -> dict[str, Any]:
    states = {
        "enum": ["held", "spam", "rejected", "removed", "pending", "reported"],
        "default": "held",
        "description": "`reported`: comments with open reader reports, most reported first, "
        "each with its `reports` (ReportedQueue); article_id and reason do not apply.",
    }
    queue_params = (
        _query("state", states),
        _query("article_id", _ref("article-id.schema.json")),
        _query("reason", {"type": "string", "maxLength": 64},
               "Only comments with this check among their reasons (`links`, `spam` for all "
               "the spam signs, ...)."),
        LIMIT,
        _query("cursor", {"type": "string", "pattern": r"^\d{1,15}-[0-9A-HJKMNP-TV-Z]{26}$"},
               "A `next_cursor` from an earlier page."),
    )  # fmt: skip
    rules_doc = {
        "type": "object",
        "required": ["version", "rules", "updated_at", "updated_by"],
        "properties": {
            "version": {"type": "integer"},
            "rules": _ref("moderation-rules.schema.json"),
            "updated_at": {"type": "string"},
            "updated_by": {"type": "string"},
        },
    }
    return {
        "/v1/moderation/queue": {
            "get": _op(
                "moderationQueue",
                "Comments in a state, oldest first, with the "
                "verdict's reasons and the author's history.",
                {
                    "200": _json(
                        {
                            "anyOf": [
                                _ref("moderation-queue.schema.json"),
                                _ref("report-queue.schema.json"),
                            ]
                        },
                        "A page of the queue (`state=reported`: a ReportedQueue).",
                    )
                },
                problems=(400,),
                parameters=queue_params,
                role="moderator",
            )  # fmt: skip
        },
        "/v1/moderation/comments/{comment_id}": {
            "get": _op(
                "moderationComment",
                "One comment as a moderator sees it.",
                {"200": _json("moderation-comment.schema.json", "The comment.")},
                problems=(404,),
                parameters=(COMMENT,),
                role="moderator",
            )  # fmt: skip
        },
        "/v1/moderation/comments/{comment_id}/decision": {
            "post": _op(
                "decide",
                "Decide a comment: publish, reject, mark spam, take down. "
                "Compare-and-set: of two decisions at once, one wins and the other "
                "gets 409; with `revision`, a comment its author edited since gets 409 "
                "`comment-changed`.",
                {"200": _json("moderation-comment.schema.json", "The comment after it.")},
                problems=(404, 409),
                parameters=(COMMENT,),
                body="moderation-decision.schema.json",
                role="moderator",
            )  # fmt: skip
        },
        "/v1/moderation/decisions": {
            "post": _op(
                "decideMany",
                "One decision on many comments, each on its own.",
                {"200": _json("moderation-bulk-result.schema.json", "What happened to each.")},
                body="moderation-bulk-decision.schema.json",
                role="moderator",
            )  # fmt: skip
        },
        "/v1/moderation/audit": {
            "get": _op(
                "audit",
                "What moderators and admins did, newest first.",
                {"200": _json("moderation-audit.schema.json", "A page of the audit log.")},
                problems=(400,),
                parameters=(
                    LIMIT,
                    _query("before", {"type": "string", "pattern": r"^\d{1,20}-\d{1,20}$"}),
                ),
                role="moderator",
            )  # fmt: skip
        },
        "/v1/moderation/stream": {
            "get": {
                **_op(
                    "moderationStream",
                    "Server-sent events: comment ids as they are held, published or removed.",
                    {},
                    role="moderator",
                ),  # fmt: skip
                "responses": {
                    "200": {
                        "description": "An event stream.",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}},
                    },
                    **_op("x", "", {}, role="moderator", problems=(400, 503))["responses"],
                },
            }
        },
        "/v1/moderation/rules": {
            "get": _op(
                "readRules",
                "The moderation rules in force, with their version.",
                {"200": _json(rules_doc, "The rules.")},
                role="moderator",
            ),  # fmt: skip
            "put": _op(
                "replaceRules",
                "Replace the rules; running workers apply them within seconds.",
                {"200": _json(rules_doc, "The rules now in force.")},
                problems=(409,),
                body="moderation-rules-update.schema.json",
                role="admin",
            ),  # fmt: skip
        },
        "/v1/moderation/bans": {
            "get": _op(
                "listBans",
                "The bans in force.",
                {"200": _json("moderation-bans.schema.json", "The bans.")},
                role="moderator",
            ),  # fmt: skip
            "post": _op(
                "ban",
                "Ban an author or a client address for a time.",
                {"201": _json("moderation-ban-record.schema.json", "The ban.")},
                problems=(404,),
                body="moderation-ban.schema.json",
                role="moderator",
            ),  # fmt: skip
        },
        "/v1/moderation/bans/{scope}/{hash}": {
            "delete": _op(
                "unban",
                "Lift a ban.",
                {"204": {"description": "Lifted."}},
                problems=(404,),
                role="moderator",
                parameters=(
                    {
                        "name": "scope",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": ["author", "client"]},
                    },
                    {
                        "name": "hash",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    },
                ),
            )  # fmt: skip
        },
    }


def _report_paths() -> dict[str, Any]:
    """Reader reports (issue 15): services/api/report_handlers.py."""
    return {
        "/v1/comments/{comment_id}/reports": {
            "post": _op(
                "reportComment",
                "Report a published comment (open to readers: no token). One report per "
                "client per comment; a repeat gets 409 `already-reported`, a comment that is "
                "not published 409 `not-reportable`. Reports from `reports_to_withdraw` "
                "distinct clients (a rule) withdraw the comment to held until a moderator "
                "decides (`dismiss` or `remove`). Limited per client address (429).",
                {"202": _json("report-accepted.schema.json", "The report is recorded.")},
                problems=(404, 409, 429),
                parameters=(COMMENT,),
                body="report-submission.schema.json",
            )  # fmt: skip
        },
    }


WEBHOOK = _path("webhook_id", "comment-id.schema.json")


def _webhook_paths() -> dict[str, Any]:
    one = "The subscription (never its secret) and its last delivery attempts."
    return {
        "/v1/webhooks": {
            "get": _op("listWebhooks", "The webhook subscriptions.",
                       {"200": _json("webhook-list.schema.json", "The subscriptions.")},
                       role="admin"),
            "post": _op(
                "createWebhook",
                "Subscribe a URL to events; the answer shows the signing secret, once.",
                {"201": {**_json("webhook-view.schema.json", "The subscription, with its secret."),
                         "links": {op: {"operationId": op,
                                        "parameters": {"webhook_id": "$response.body#/id"}}
                                   for op in ("readWebhook", "testWebhook", "enableWebhook",
                                              "deleteWebhook")}}},  # fmt: skip
                body="webhook-subscription.schema.json",
                role="admin",
            ),
        },
        "/v1/webhooks/{webhook_id}": {
            "get": _op("readWebhook", one,
                       {"200": _json("webhook-view.schema.json", "The subscription.")},
                       problems=(404,), parameters=(WEBHOOK,), role="admin"),
            "delete": _op("deleteWebhook", "Unsubscribe.", {"204": {"description": "Gone."}},
                          problems=(404,), parameters=(WEBHOOK,), role="admin"),
        },
        "/v1/webhooks/{webhook_id}/test": {
            "post": _op("testWebhook", "Queue a signed `webhook.test` delivery.",
                        {"202": _json("webhook-test.schema.json", "Queued, with the delivery id.")},
                        problems=(404,), parameters=(WEBHOOK,), role="admin"),
        },
        "/v1/webhooks/{webhook_id}/enable": {
            "post": _op("enableWebhook", "Re-enable a disabled subscription.",
                        {"200": _json("webhook-view.schema.json", "The subscription.")},
                        problems=(404,), parameters=(WEBHOOK,), role="admin"),
        },
    }  # fmt: skip


def _service_paths() -> dict[str, Any]:
    return {
        "/moderation": {
            "get": {
                "operationId": "moderationPage",
                "summary": "The moderation web page (sign in with a moderator token).",
                "responses": {
                    "200": {
                        "description": "HTML",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/embed.js": {
            "get": {
                "operationId": "widgetScript",
                "summary": 'The comment widget: `<script src=".../embed.js" '
                'data-article="ARTICLE-ID" async>` under an article.',
                "responses": {
                    "200": {
                        "description": "JavaScript",
                        "content": {"text/javascript": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/embed.css": {
            "get": {
                "operationId": "widgetStyles",
                "summary": "The widget's stylesheet (the script adds it).",
                "responses": {
                    "200": {
                        "description": "CSS",
                        "content": {"text/css": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/healthz": {
            "get": _op("health", "The process is alive.", {"200": _json(STATUS, "Alive.")})
        },
        "/readyz": {
            "get": _op(
                "ready",
                "The process can reach Redis.",
                {"200": _json(STATUS, "Ready.")},
                problems=(503,),
            )  # fmt: skip
        },
        "/metrics": {
            "get": {
                "operationId": "metrics",
                "summary": "Prometheus metrics: requests, submissions, the backlog (and, under "
                "`comments up`, the workers'). Keep it off the public internet.",
                "responses": {
                    "200": {
                        "description": "Prometheus text format",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/openapi.json": {
            "get": _op(
                "openapi",
                "This document.",
                {"200": _json({"type": "object", "required": ["openapi", "paths"]}, "OpenAPI 3.1")},
            )
        },
    }


# The reader's own comment, reading at a newsroom's scale, the classic form (issue 15).
def _with_reader_paths(paths: dict[str, Any]) -> dict[str, Any]:
    edit_token = {
        "name": "Edit-Token",
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": "The `edit_token` of the comment's `202`.",
    }
    paths["/v1/comments/{comment_id}"] |= {
        "patch": _op(
            "editComment",
            "The reader edits their comment within the edit window (COMMENTS_EDIT_WINDOW_S, "
            "15 min): it is judged again as a new submission is, out of public view until "
            "then. 403 without the right Edit-Token; 409 `edit-window-closed` after the "
            "window, or `state-conflict` for a comment judged spam, rejected or removed.",
            {
                "202": {
                    **_json("comment-status.schema.json", "Edited and queued."),
                    "headers": {"Location": {"schema": {"type": "string"}}},
                }
            },
            problems=(403, 404, 409, 429),
            parameters=(COMMENT, edit_token),
            body="reader-edit.schema.json",
        ),
        "delete": _op(
            "deleteComment",
            "The reader deletes their comment, at any time: it leaves public view "
            "(`comment.removed`), its replies stay. 403 without the right Edit-Token.",
            {"204": {"description": "Deleted, or not public anyway."}},
            problems=(403, 404, 409),
            parameters=(COMMENT, edit_token),
        ),
    }
    submit = paths["/v1/articles/{article_id}/comments"]["post"]
    form = submit["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    form["properties"]["redirect_to"] = {
        "type": "string",
        "description": "The page to return to: with Accept: text/html, a page of a configured "
        "origin (COMMENTS_CORS_ORIGINS) is answered 303 to `<redirect_to>#comment-<id>` and a "
        "refusal as an HTML page linking back; a page elsewhere is refused (422).",
    }
    submit["responses"]["303"] = {
        "description": "A classic HTML form (Accept: text/html) with a `redirect_to`, or a "
        "Referer, of a configured origin: back to that page, at the comment.",
        "headers": {"Location": {"schema": {"type": "string"}}},
    }
    article_ids = {
        "name": "article_id",
        "in": "query",
        "required": True,
        "style": "form",
        "explode": True,
        "schema": {"type": "array", "items": _ref("article-id.schema.json"), "maxItems": 100},
    }
    paths["/v1/counts"] = {
        "get": _op(
            "countCommentsOfArticles",
            "The published counts of up to 100 articles (`article_id` repeated), for a front "
            "page. Cacheable as the lists: ETag and Cache-Control, 304 to If-None-Match.",
            {
                "200": _cacheable(_json("reader-counts.schema.json", "The counts.")),
                "304": _cacheable({"description": "Not modified since that ETag."}),
            },
            problems=(422,),
            parameters=(article_ids, IF_NONE_MATCH),
        )
    }
    return paths


async def serve(request: web.Request) -> web.Response:
    return web.json_response(document())
