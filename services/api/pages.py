"""The moderation web page: one static HTML file with its script, no build step."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).parent / "static"

# The page runs only its own script and talks only to this API.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


async def moderation(request: web.Request) -> web.FileResponse:
    return web.FileResponse(
        STATIC / "moderation.html",
        headers={
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache",
        },
    )


WIDGET_HEADERS = {
    "Cache-Control": "public, max-age=300",
    "X-Content-Type-Options": "nosniff",
    # News sites load it from their own pages, on another origin.
    "Cross-Origin-Resource-Policy": "cross-origin",
}


async def embed_js(request: web.Request) -> web.FileResponse:
    """The comment widget: `<script src=".../embed.js" data-article="ID" async>`."""
    headers = {**WIDGET_HEADERS, "Content-Type": "text/javascript; charset=utf-8"}  # RFC 9239
    return web.FileResponse(STATIC / "embed.js", headers=headers)


async def embed_css(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "embed.css", headers=WIDGET_HEADERS)
