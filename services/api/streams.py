"""Long-lived answers (server-sent events): at most `max_streams` open in a process, each
ended as soon as its client goes or the process stops.

aiohttp does not cancel a handler whose client went away, and a quiet stream never writes
to find out, so one task looks at every open stream's connection twice a second and ends
those whose connection closed. On SIGTERM the API stops accepting, then every open stream
ends at once (the client reconnects, with Last-Event-ID, to another process) instead of
holding the shutdown until its timeout."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TypeVar

from aiohttp import web
from aiohttp_sse import EventSourceResponse
from redis.exceptions import RedisError

from services.api.feeds import Dropped, Event, Reader, stream_id
from services.api.http_metrics import LIVE_READERS
from services.api.state import REDIS, SETTINGS
from services.core import logs
from services.core.errors import Problem

log = logs.get(__name__)

T = TypeVar("T")
WATCH_EVERY_S = 0.5
"""How often closed connections are looked for: how long a stream outlives its client."""
RETRY_AFTER_S = 5
RETRY_MS = 3000
"""What the browser waits before reconnecting."""
BACKLOG_PAGE = 100

Render = Callable[[dict[str, str]], tuple[str, str] | None]
"""A stream entry's fields as (event type, data) for the client, or None to skip it."""


class TooManyStreams(Problem):
    status = 503
    title = "Service Unavailable"
    slug = "too-many-streams"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(RETRY_AFTER_S)}


class Ended(Exception):
    """The client went away or the process is stopping: end the stream."""


class OpenStreams:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: dict[asyncio.Event, web.Request] = {}
        self._watcher: asyncio.Task[None] | None = None
        self._stopping = False

    def __len__(self) -> int:
        return len(self._open)

    @contextlib.contextmanager
    def open(self, request: web.Request) -> Iterator[asyncio.Event]:
        """An event set when the stream must end; TooManyStreams past the limit."""
        if len(self._open) >= self.limit:
            raise TooManyStreams(
                f"This server has {self.limit} event streams open; try again shortly."
            )
        ended = asyncio.Event()
        if self._stopping:
            ended.set()
        self._open[ended] = request
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.create_task(self._watch(), name="streams:watch")
        LIVE_READERS.inc()
        try:
            yield ended
        finally:
            LIVE_READERS.dec()
            del self._open[ended]

    def end_all(self) -> None:
        self._stopping = True
        for ended in self._open:
            ended.set()

    async def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher

    async def _watch(self) -> None:
        while self._open:
            await asyncio.sleep(WATCH_EVERY_S)
            for ended, request in list(self._open.items()):
                transport = request.transport
                if transport is None or transport.is_closing():
                    ended.set()


STREAMS = web.AppKey("streams", OpenStreams)


def setup(app: web.Application) -> None:
    async def stop(app: web.Application) -> None:
        app[STREAMS].end_all()

    async def close(app: web.Application) -> None:
        await app[STREAMS].close()

    app[STREAMS] = OpenStreams(app[SETTINGS].max_streams)
    app.on_shutdown.append(stop)
    app.on_cleanup.append(close)


async def until_ended(ended: asyncio.Event, awaitable: Awaitable[T]) -> T:
    """Await `awaitable`, or raise Ended (cancelling it) if the stream ends first."""
    work = asyncio.ensure_future(awaitable)
    end = asyncio.ensure_future(ended.wait())
    try:
        done, _ = await asyncio.wait({work, end}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        end.cancel()
        if not work.done():
            work.cancel()
    if work not in done:
        raise Ended
    return work.result()


async def relay(
    request: web.Request,
    response: EventSourceResponse,
    reader: Reader,
    ended: asyncio.Event,
    resume: str | None,
    render: Render,
) -> None:
    """Send what the stream has after `resume` (from Redis), then its live entries, until the
    stream ends. A client that went, a reader that fell behind or a Redis failure ends it
    quietly: the client reconnects with Last-Event-ID and misses nothing."""
    after = stream_id(resume) if resume is not None else None
    try:
        if resume is not None:
            async for entry in _backlog(request, reader.key, resume, ended):
                after = stream_id(entry[0])
                await _send(response, entry, render)
        while not ended.is_set():
            entry = await until_ended(ended, reader.next())
            if after is not None and (stream_id(entry[0]) or (0, 0)) <= after:
                continue  # already sent from the backlog
            await _send(response, entry, render)
    except (Ended, Dropped, ConnectionResetError, TimeoutError):
        return  # TimeoutError: a client that stopped reading; aiohttp-sse aborted it
    except RedisError as e:
        log.warning("stream.redis_failed", path=request.path, detail=str(e))


async def _backlog(
    request: web.Request, key: str, resume: str, ended: asyncio.Event
) -> AsyncIterator[Event]:
    start = resume
    while True:
        read = request.app[REDIS].xrange(key, min=f"({start}", max="+", count=BACKLOG_PAGE)
        page: list[Event] = await until_ended(ended, read)  # type: ignore[arg-type]
        for entry in page:
            yield entry
        if len(page) < BACKLOG_PAGE:
            return
        start = page[-1][0]


async def _send(response: EventSourceResponse, entry: Event, render: Render) -> None:
    shown = render(entry[1])
    if shown is not None:
        await response.send(shown[1], id=entry[0], event=shown[0], retry=RETRY_MS)
