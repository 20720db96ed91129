"""Reading request bodies: the media type, the JSON, and validation against a schema."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from services.core.errors import InvalidRequest, UnsupportedMediaType
from services.core.schemas import field_errors, validator
from services.core.submission import decode_json


def check_media_type(request: web.Request, *allowed: str) -> None:
    if request.content_type not in allowed or (request.charset or "utf-8").lower() not in {
        "utf-8",
        "utf8",
    }:
        raise UnsupportedMediaType(
            f"Send {' or '.join(allowed)} in UTF-8, "
            f"not {request.headers.get('Content-Type', 'no Content-Type')}."
        )


async def json_body(request: web.Request, schema: str) -> dict[str, Any]:
    """The request's JSON document, valid against `schema` (422 naming every failing field)."""
    check_media_type(request, "application/json")
    document = decode_json(await request.read())
    if errors := field_errors(validator(schema).iter_errors(document)):
        raise InvalidRequest(f"The request has {len(errors)} invalid field(s).", errors=errors)
    assert isinstance(document, dict)
    return document
