"""CORS for the public routes: a news site's pages, on their own origin, may post comments and
read them, when their origin is configured (COMMENTS_CORS_ORIGINS). Only those origins get
allow headers; the moderation API stays same-origin."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from services.api.state import SETTINGS
from services.core.errors import Forbidden

PUBLIC_PREFIXES = ("/v1/articles/", "/v1/comments/", "/v1/counts")
ALLOWED_HEADERS = (
    "Content-Type, Authorization, Idempotency-Key, Last-Event-ID, If-None-Match, Edit-Token"
)
EXPOSED_HEADERS = "Location, Retry-After, ETag"
MAX_AGE = "600"


@web.middleware
async def preflight(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer a browser's preflight for a public route, from an allowed origin only."""
    origin = request.headers.get("Origin")
    if (
        request.method == "OPTIONS"
        and origin
        and "Access-Control-Request-Method" in request.headers
    ):
        if not _allowed(request, origin):
            raise Forbidden(f"Cross-origin requests from {origin[:200]!r} are not allowed here.")
        return web.Response(
            status=204,
            headers={
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": "GET, POST, PATCH, DELETE, OPTIONS",
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": MAX_AGE,
                "Vary": "Origin",
            },
        )
    return await handler(request)


async def allow_origin(request: web.Request, response: web.StreamResponse) -> None:
    """On every response as its headers go out (a stream's too, which are sent before its
    handler returns): let an allowed origin read it."""
    if not request.path.startswith(PUBLIC_PREFIXES):
        return
    origin = request.headers.get("Origin")
    if (
        origin
        and _allowed(request, origin)
        and "Access-Control-Allow-Origin" not in response.headers
    ):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if "Origin" not in response.headers.getall("Vary", ()):
        response.headers.add("Vary", "Origin")


def _allowed(request: web.Request, origin: str) -> bool:
    configured = request.app[SETTINGS].cors_origins
    public = request.path.startswith(PUBLIC_PREFIXES)
    # An origin is ASCII (hosts in punycode): anything else is not one to echo back.
    return public and origin.isascii() and ("*" in configured or origin.rstrip("/") in configured)
