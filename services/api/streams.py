"""Long-lived answers (server-sent events) that end when the process stops: on SIGTERM the
API stops accepting, then every open stream ends at once (the client reconnects, with
Last-Event-ID, to another process) instead of holding the shutdown until its timeout."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Iterator
from typing import TypeVar

from aiohttp import web

from services.api.metrics import LIVE_READERS

T = TypeVar("T")
STOPPING = web.AppKey("stopping", asyncio.Event)


def setup(app: web.Application) -> None:
    async def stop(app: web.Application) -> None:
        app[STOPPING].set()

    app[STOPPING] = asyncio.Event()
    app.on_shutdown.append(stop)


class Stopping(Exception):
    """The process is stopping: end the stream."""


async def unless_stopping(request: web.Request, awaitable: Awaitable[T]) -> T:
    """Await `awaitable`, or raise Stopping (cancelling it) if the process stops first."""
    work = asyncio.ensure_future(awaitable)
    stop = asyncio.ensure_future(request.app[STOPPING].wait())
    try:
        done, _ = await asyncio.wait({work, stop}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.cancel()
    if work not in done:
        work.cancel()
        raise Stopping
    return work.result()


@contextlib.contextmanager
def counted() -> Iterator[None]:
    """Count an open stream in the metrics while it lasts."""
    LIVE_READERS.inc()
    try:
        yield
    finally:
        LIVE_READERS.dec()
