"""Reading request bodies: the media type, the JSON, and validation against a schema."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from services.core.errors import (
    InvalidRequest,
    PayloadTooLarge,
    RequestTimeout,
    UnsupportedMediaType,
)
from services.core.schemas import errors_in
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


MAX_DOCUMENT_BYTES = 1024 * 1024
"""The largest body any route takes (the rules, with their word lists); a comment's limit is
smaller and a setting."""


BODY_TIMEOUT_S = 10.0
"""How long a body may take to arrive: 64 KiB at 6.5 KB/s, far below any real connection.
A client that stops sending mid-body (or sends a broken chunk, which aiohttp never reports
to the reader) is answered 408 instead of holding the handler until it gives up."""


async def read_body(request: web.Request, limit: int) -> bytes:
    """The body, or 413 as soon as it is longer than `limit` bytes: before reading when its
    length is declared, and while it streams when it is chunked, so no more than `limit`
    bytes (and one chunk) are ever held; 408 if it takes longer than `BODY_TIMEOUT_S`."""
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"The body is {request.content_length} bytes; at most {limit}.")
    body = bytearray()
    try:
        async with asyncio.timeout(BODY_TIMEOUT_S):
            async for chunk in request.content.iter_any():
                body += chunk
                if len(body) > limit:
                    raise PayloadTooLarge(f"The body is over {limit} bytes.")
    except TimeoutError:
        raise RequestTimeout(f"The body did not arrive within {BODY_TIMEOUT_S:.0f} s.") from None
    return bytes(body)


async def json_body(request: web.Request, schema: str) -> dict[str, Any]:
    """The request's JSON document, valid against `schema` (422 naming every failing field)."""
    check_media_type(request, "application/json")
    document = decode_json(await read_body(request, MAX_DOCUMENT_BYTES))
    if errors := errors_in(schema, document):
        raise InvalidRequest(f"The request has {len(errors)} invalid field(s).", errors=errors)
    assert isinstance(document, dict)
    return document
