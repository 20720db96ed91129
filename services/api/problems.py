"""One error shape for every 4xx and 5xx: RFC 9457 `application/problem+json`."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from services.core.errors import FieldError, Problem

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    type: str = "about:blank",
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    body: dict[str, Any] = {"type": type, "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = [{"pointer": e.pointer, "message": e.message} for e in errors]
    return web.Response(
        status=status, text=json.dumps(body), content_type=MEDIA_TYPE, headers=headers
    )


@web.middleware
async def problems(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Problem as p:
        return problem_response(
            p.status, p.title, p.detail, type=p.type, errors=p.errors, headers=p.headers
        )
    except web.HTTPException as e:
        if e.status < 400:
            raise
        return problem_response(
            e.status, e.reason, _detail(request, e), headers=_passed_on_headers(e)
        )
    except (RedisConnectionError, RedisTimeoutError) as e:
        log.error("Redis unavailable on %s %s: %s", request.method, request.path, e)
        return problem_response(
            503,
            "Service Unavailable",
            "The comment store is unavailable; try again shortly.",
            headers={"Retry-After": "1"},
        )
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(500, "Internal Server Error", "The server failed; it is logged.")


def _detail(request: web.Request, e: web.HTTPException) -> str:
    if isinstance(e, web.HTTPNotFound):
        return f"There is nothing at {request.path}."
    if isinstance(e, web.HTTPMethodNotAllowed):
        allowed = ", ".join(sorted(e.allowed_methods))
        return f"{request.method} is not allowed here; allowed: {allowed}."
    return e.text or e.reason


def _passed_on_headers(e: web.HTTPException) -> dict[str, str]:
    dropped = {hdrs.CONTENT_TYPE, hdrs.CONTENT_LENGTH}
    return {k: v for k, v in e.headers.items() if k not in dropped}
