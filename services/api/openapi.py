"""The OpenAPI 3.1 document, assembled from the same JSON Schemas the API validates with."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from aiohttp import web

from services.core.schemas import schemas
from services.core.submission import FORM_FIELDS, SCHEMA

PROBLEM = "application/problem+json"


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
        properties[form_name] = _rewrite_refs(copy.deepcopy(node))
    return {
        "type": "object",
        "description": "The fields of WordPress's comment form; `submit`, `comment_post_ID` and "
        "`wp-comment-cookies-consent` are accepted and ignored, as are empty `url` and "
        "`comment_parent=0`.",
        "required": ["comment", "author", "email"],
        "properties": properties,
        "additionalProperties": False,
    }


def _problems(*statuses: int) -> dict[str, Any]:
    descriptions = {
        400: "Malformed JSON, form or query, or text that is not valid UTF-8.",
        404: "No such resource.",
        413: "The body is larger than the configured limit.",
        415: "Not JSON or a urlencoded form in UTF-8.",
        409: "The same author already sent the same content to this article.",
        422: "The submission breaks the schema; `errors` names every failing field.",
        429: "Too many comments from this author or client; see Retry-After.",
        503: "Redis does not answer.",
    }
    return {
        str(s): {
            "description": descriptions[s],
            "content": {PROBLEM: {"schema": _ref("problem.schema.json")}},
        }
        for s in statuses
    }


def _json(file_name: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(file_name)}},
    }


def _status(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["status"],
                    "properties": {"status": {"type": "string"}},
                }
            }
        },
    }


@cache
def document() -> dict[str, Any]:
    article_id = {
        "name": "article_id",
        "in": "path",
        "required": True,
        "schema": _ref("article-id.schema.json"),
    }
    comment_id = {
        "name": "comment_id",
        "in": "path",
        "required": True,
        "schema": _ref("comment-id.schema.json"),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Leave a Reply: comment moderation service",
            "version": "1",
            "description": "Accepts comments for articles, moderates them, publishes the "
            "approved ones. Every error is application/problem+json (RFC 9457).",
        },
        "paths": {
            "/v1/articles/{article_id}/comments": {
                "post": {
                    "operationId": "submitComment",
                    "summary": "Submit a comment; it is stored and queued for moderation.",
                    "parameters": [article_id],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": _ref(SCHEMA)},
                            "application/x-www-form-urlencoded": {"schema": _form_schema()},
                        },
                    },
                    "responses": {
                        "202": {
                            **_json("comment-accepted.schema.json", "Accepted and queued."),
                            "headers": {
                                "Location": {
                                    "description": "The comment's status URL.",
                                    "schema": {"type": "string"},
                                }
                            },
                        },
                        **_problems(400, 404, 409, 413, 415, 422, 429),
                    },
                },
                "get": {
                    "operationId": "listComments",
                    "summary": "The article's published comments, oldest publication first.",
                    "parameters": [
                        article_id,
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": 200,
                                "default": 50,
                            },
                        },
                        {
                            "name": "cursor",
                            "in": "query",
                            "description": "A `next_cursor` from an earlier page.",
                            "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"},
                        },
                    ],
                    "responses": {
                        "200": _json("comment-list.schema.json", "A page of comments."),
                        **_problems(400, 404),
                    },
                },
            },
            "/v1/articles/{article_id}/comments/count": {
                "get": {
                    "operationId": "countComments",
                    "summary": "How many comments of the article are published.",
                    "parameters": [article_id],
                    "responses": {
                        "200": _json("comment-count.schema.json", "The count."),
                        **_problems(404),
                    },
                }
            },
            "/v1/comments/{comment_id}": {
                "get": {
                    "operationId": "getComment",
                    "summary": "A comment's status, and its public fields once published.",
                    "parameters": [comment_id],
                    "responses": {
                        "200": _json("comment-status.schema.json", "The comment's status."),
                        **_problems(404),
                    },
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "The process is alive.",
                    "responses": {"200": _status("Alive.")},
                }
            },
            "/readyz": {
                "get": {
                    "operationId": "ready",
                    "summary": "The process can reach Redis.",
                    "responses": {"200": _status("Ready."), **_problems(503)},
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document.",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
                _component_name(name): _rewrite_refs(schema) for name, schema in schemas().items()
            }
        },
    }


async def serve(request: web.Request) -> web.Response:
    return web.json_response(document())
