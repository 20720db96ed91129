"""`GET /v1/articles/{article_id}/comments/stream`: server-sent events of the article's
comments published and removed, resumable with Last-Event-ID."""

from __future__ import annotations

from aiohttp import web
from aiohttp_sse import sse_response

from services.api.comments import article_id_of
from services.api.feeds import stream_id
from services.api.state import FEEDS
from services.api.streams import STREAMS, relay
from services.core.errors import FieldError, InvalidQuery
from services.store import keys

HEARTBEAT_S = 15
"""A comment line this often keeps proxies from closing an idle stream."""


async def stream(request: web.Request) -> web.StreamResponse:
    article_id = article_id_of(request)
    resume = request.headers.get("Last-Event-ID", request.query.get("last_event_id"))
    if resume is not None and stream_id(resume) is None:
        error = FieldError("Last-Event-ID", "must be an event id this stream gave")
        raise InvalidQuery("The Last-Event-ID is not one of ours.", errors=[error])
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    with request.app[STREAMS].open(request) as ended:
        async with (
            request.app[FEEDS].subscribe(keys.article_events(article_id)) as reader,
            sse_response(request, headers=headers, ping_interval=HEARTBEAT_S) as response,
        ):
            await relay(request, response, reader, ended, resume, _event)
    return response


def _event(fields: dict[str, str]) -> tuple[str, str]:
    return fields["type"], fields["data"]
