"""Live article feeds: one Redis reader per article with readers in this process, its events
fanned out in memory to every reader's queue. Thousands of readers of one article cost one
blocked XREAD, not thousands."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from services.core import keys, logs

log = logs.get(__name__)

BLOCK_MS = 4_000
"""How long one XREAD waits; below the client's socket timeout."""
QUEUE_SIZE = 256
"""Events a reader may fall behind by before it is dropped (it resumes with Last-Event-ID)."""

Event = tuple[str, str, str]
"""(stream id, event type, JSON data)"""


@dataclass(eq=False)
class Reader:
    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    dropped: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the reader fell too far behind and must reconnect."""


@dataclass(eq=False)
class Feed:
    article_id: str
    last_id: str
    readers: set[Reader] = field(default_factory=set)
    task: asyncio.Task[None] | None = None


class ArticleFeeds:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._feeds: dict[str, Feed] = {}

    @contextlib.asynccontextmanager
    async def subscribe(self, article_id: str) -> AsyncIterator[Reader]:
        """A reader of the article's events published from now on."""
        feed = self._feeds.get(article_id)
        if feed is None:
            # Read from the stream's current end, fixed now: nothing published after this
            # subscription can slip between it and the first XREAD.
            newest: list[Any] = await self._redis.xrevrange(  # type: ignore[assignment]
                keys.article_events(article_id), count=1
            )
            feed = Feed(article_id, str(newest[0][0]) if newest else "0-0")
            feed.task = asyncio.create_task(self._read(feed), name=f"feed:{article_id}")
            self._feeds[article_id] = feed
        reader = Reader()
        feed.readers.add(reader)
        try:
            yield reader
        finally:
            feed.readers.discard(reader)
            if not feed.readers and self._feeds.get(article_id) is feed:
                del self._feeds[article_id]
                if feed.task:
                    feed.task.cancel()

    async def close(self) -> None:
        for feed in list(self._feeds.values()):
            if feed.task:
                feed.task.cancel()
        self._feeds.clear()

    def readers(self, article_id: str) -> int:
        feed = self._feeds.get(article_id)
        return len(feed.readers) if feed else 0

    async def _read(self, feed: Feed) -> None:
        key = keys.article_events(feed.article_id)
        while feed.readers:
            try:
                found: list[Any] = await self._redis.xread(  # type: ignore[assignment]
                    {key: feed.last_id}, block=BLOCK_MS, count=100
                )
            except RedisError as e:
                log.warning("feed.read_failed", article_id=feed.article_id, detail=str(e))
                await asyncio.sleep(1)
                continue
            for _stream, entries in found:
                for entry_id, fields in entries:
                    feed.last_id = entry_id
                    event = (entry_id, fields["type"], fields["data"])
                    for reader in list(feed.readers):
                        try:
                            reader.queue.put_nowait(event)
                        except asyncio.QueueFull:
                            feed.readers.discard(reader)
                            reader.dropped.set()


def stream_id(text: str) -> tuple[int, int] | None:
    """A Redis stream id as a comparable pair, or None if `text` is not one."""
    ms, _, seq = text.partition("-")
    if not ms:
        return None
    if not (ms.isascii() and ms.isdigit() and len(ms) <= 16) or not (
        seq == "" or seq.isascii() and seq.isdigit() and len(seq) <= 16
    ):
        return None
    return int(ms), int(seq or 0)
