"""`GET /v1/articles/{article_id}/comments/stream`: server-sent events of the article's
comments published and removed, resumable with Last-Event-ID."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web
from aiohttp_sse import sse_response

from services.api.comments import article_id_of
from services.api.feeds import Event, Reader, stream_id
from services.api.state import FEEDS, REDIS
from services.api.streams import Stopping, counted, unless_stopping
from services.core import keys
from services.core.errors import FieldError, InvalidQuery

HEARTBEAT_S = 15
"""A comment line this often keeps proxies from closing an idle stream."""
RETRY_MS = 3000
"""What the browser waits before reconnecting."""


async def stream(request: web.Request) -> web.StreamResponse:
    article_id = article_id_of(request)
    resume = request.headers.get("Last-Event-ID", request.query.get("last_event_id"))
    after = stream_id(resume) if resume is not None else None
    if resume is not None and after is None:
        error = FieldError("Last-Event-ID", "must be an event id this stream gave")
        raise InvalidQuery("The Last-Event-ID is not one of ours.", errors=[error])
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    async with (
        request.app[FEEDS].subscribe(article_id) as reader,
        _counted(),
        sse_response(request, headers=headers, ping_interval=HEARTBEAT_S) as response,
    ):
        if after is not None and resume is not None:
            # What was missed, from Redis; then what the live feed collected meanwhile.
            missed: list[tuple[str, dict[str, str]]] = await request.app[REDIS].xrange(  # type: ignore[assignment]
                keys.article_events(article_id), min=f"({resume}", max="+"
            )
            for entry_id, fields in missed:
                await response.send(
                    fields["data"], id=entry_id, event=fields["type"], retry=RETRY_MS
                )
                after = stream_id(entry_id)
        while response.is_connected() and not reader.dropped.is_set():
            try:
                entry_id, kind, data = await unless_stopping(request, _next(reader))
            except (Stopping, _Dropped):
                break
            if after is not None and (stream_id(entry_id) or (0, 0)) <= after:
                continue  # already sent from the backlog
            await response.send(data, id=entry_id, event=kind, retry=RETRY_MS)
            after = stream_id(entry_id)
    return response


class _Dropped(Exception):
    """The reader fell too far behind: it reconnects and resumes from Redis."""


async def _next(reader: Reader) -> Event:
    get = asyncio.ensure_future(reader.queue.get())
    dropped = asyncio.ensure_future(reader.dropped.wait())
    done, _ = await asyncio.wait({get, dropped}, return_when=asyncio.FIRST_COMPLETED)
    dropped.cancel()
    if get not in done:
        get.cancel()
        raise _Dropped
    return get.result()


@contextlib.asynccontextmanager
async def _counted() -> AsyncIterator[None]:
    with counted():
        yield
