"""Every request gets an id (the caller's `X-Request-ID` if it sent a sane one): it is in every
log line the request causes, in the answer's headers, and on the comment it creates, so the
worker that moderates the comment logs it too. The same middleware counts the request in the
metrics, and the access log line (one per request, structured) names the comment a
submission created."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.typedefs import Handler

from services.api import http_metrics as metrics
from services.core import logs

REQUEST_ID = web.RequestKey("request_id", str)
_access = logs.get("aiohttp.access")
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


COMMENT_ID = web.RequestKey("comment_id", str)
"""Set by a submission that stored (or replayed) a comment: the access log names it."""


@web.middleware
async def request_ids(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One middleware, not two: each layer costs every request."""
    started = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    request_id = given if _SANE.fullmatch(given) else uuid.uuid4().hex
    request[REQUEST_ID] = request_id
    tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
    try:
        response = await handler(request)
    finally:
        structlog.contextvars.reset_contextvars(**tokens)
    response.headers["X-Request-ID"] = request_id
    metrics.record(request, response, time.perf_counter() - started)
    return response


class AccessLogger(AbstractAccessLogger):
    """One structured line per request: method, path, status, time taken, request id, and the
    comment a submission stored."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        _access.info(
            "http.request",
            method=request.method,
            path=request.path,
            status=response.status,
            ms=round(time * 1000, 2),
            request_id=response.headers.get("X-Request-ID", ""),
            remote=request.remote,
            **({"comment_id": request[COMMENT_ID]} if COMMENT_ID in request else {}),
        )
