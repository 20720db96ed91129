"""CORS for the public routes: a news site's pages, on their own origin, may post comments and
read them, when their origin is configured (COMMENTS_CORS_ORIGINS). Only those origins get
allow headers; the moderation API stays same-origin."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from services.api.state import SETTINGS

PUBLIC_PREFIXES = ("/v1/articles/", "/v1/comments/")
ALLOWED_HEADERS = "Content-Type, Authorization, Idempotency-Key, Last-Event-ID, If-None-Match"
EXPOSED_HEADERS = "Location, Retry-After, ETag"
MAX_AGE = "600"


@web.middleware
async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
    origin = request.headers.get("Origin")
    public = request.path.startswith(PUBLIC_PREFIXES)
    allowed = origin is not None and public and _allowed(origin, request.app[SETTINGS].cors_origins)
    if (
        request.method == "OPTIONS"
        and origin
        and "Access-Control-Request-Method" in request.headers
    ):
        if not allowed:
            return web.Response(status=403, text="origin not allowed\n")
        return web.Response(
            status=204,
            headers={
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": MAX_AGE,
                "Vary": "Origin",
            },
        )
    response = await handler(request)
    if allowed and origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if public:
        response.headers.add("Vary", "Origin")
    return response


def _allowed(origin: str, configured: tuple[str, ...]) -> bool:
    return "*" in configured or origin.rstrip("/") in configured
