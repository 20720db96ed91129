"""Every request gets an id (the caller's `X-Request-ID` if it sent a sane one): it is in every
log line the request causes, in the answer's headers, and on the comment it creates, so the
worker that moderates the comment logs it too. The access log is structured the same way."""

from __future__ import annotations

import re
import uuid

import structlog
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.typedefs import Handler

REQUEST_ID = web.RequestKey("request_id", str)
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@web.middleware
async def request_ids(request: web.Request, handler: Handler) -> web.StreamResponse:
    given = request.headers.get("X-Request-ID", "")
    request_id = given if _SANE.fullmatch(given) else uuid.uuid4().hex
    request[REQUEST_ID] = request_id
    with structlog.contextvars.bound_contextvars(request_id=request_id):
        response = await handler(request)
    response.headers["X-Request-ID"] = request_id
    return response


class AccessLogger(AbstractAccessLogger):
    """One structured line per request: method, path, status, time taken, request id."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "http.request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status,
                "ms": round(time * 1000, 2),
                "request_id": response.headers.get("X-Request-ID", ""),
                "remote": request.remote,
            },
        )
