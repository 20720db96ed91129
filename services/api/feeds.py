"""Live feeds of Redis streams (an article's events, the moderation events), fanned out in
memory to every reader in this process.

Feeds are read on a few connections of their own (`stream_redis_connections`), never on the
ones requests use: each connection blocks in one XREAD covering all the feeds assigned to it,
so thousands of readers on hundreds of articles cost a handful of connections, and a feed
with no reader left is no longer read. A new feed wakes its connection's XREAD
(CLIENT UNBLOCK) so it is read at once rather than after the current block."""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from services.core import logs
from services.core.settings import Settings

log = logs.get(__name__)

BLOCK_MS = 2_000
"""How long one XREAD waits: the most a new feed waits to be read if its wake-up is missed."""
QUEUE_SIZE = 256
"""Events a reader may fall behind by before it is dropped (it resumes with Last-Event-ID)."""
READ_COUNT = 100

Event = tuple[str, dict[str, str]]
"""(stream id, the entry's fields)"""


class Dropped(Exception):
    """The reader fell too far behind: it reconnects and resumes from Redis."""


@dataclass(eq=False)
class Reader:
    key: str
    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    dropped: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the reader fell too far behind and must reconnect."""

    async def next(self) -> Event:
        """The next event, or Dropped."""
        get = asyncio.ensure_future(self.queue.get())
        dropped = asyncio.ensure_future(self.dropped.wait())
        try:
            await asyncio.wait({get, dropped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            dropped.cancel()
            if not get.done():
                get.cancel()
        if get.cancelled() or not get.done():
            raise Dropped
        return get.result()


@dataclass(eq=False)
class Feed:
    key: str
    last_id: str
    readers: set[Reader] = field(default_factory=set)


@dataclass(eq=False)
class Shard:
    """One connection's worth of feeds, and the task reading them while there are any."""

    feeds: dict[str, Feed] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None
    client_id: int | None = None
    """The connection's id while its task runs, for CLIENT UNBLOCK."""
    waking: bool = False
    """A CLIENT UNBLOCK is on its way: feeds added meanwhile are read after it too."""


class Feeds:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self._redis = redis  # the request pool: one short command per new feed
        connections = max(1, settings.stream_redis_connections)
        # Blocking: a shard restarted while its old task is still closing waits a moment for
        # that connection instead of failing.
        self._pool = BlockingConnectionPool.from_url(
            settings.redis_url,
            max_connections=connections,
            timeout=5,
            decode_responses=True,
            socket_connect_timeout=2,
            socket_timeout=BLOCK_MS / 1000 + 5,  # a blocked read is never cut short
            retry=Retry(NoBackoff(), 0),  # a reconnect changes the id CLIENT UNBLOCK needs
        )
        self._shards = [Shard() for _ in range(connections)]
        self._feeds: dict[str, Feed] = {}

    @contextlib.asynccontextmanager
    async def subscribe(self, key: str) -> AsyncIterator[Reader]:
        """A reader of the stream `key`'s entries added from now on."""
        feed, new = self._feeds.get(key), False
        if feed is None:
            # Read from the stream's current end, fixed now: nothing added after this
            # subscription can slip between it and the first XREAD.
            newest: list[Any] = await self._redis.xrevrange(key, count=1)  # type: ignore[assignment]
            feed = self._feeds.get(key)  # another reader may have started it meanwhile
            if feed is None:
                feed = self._feeds[key] = Feed(key, str(newest[0][0]) if newest else "0-0")
                new = True
        reader = Reader(key)
        feed.readers.add(reader)  # before the feed is read: its first entries are for us
        try:
            if new:
                await self._start(feed)
            yield reader
        finally:
            feed.readers.discard(reader)
            if not feed.readers and self._feeds.get(key) is feed:
                self._stop(feed)

    def readers(self, key: str) -> int:
        feed = self._feeds.get(key)
        return len(feed.readers) if feed else 0

    def reading(self) -> int:
        """How many feeds are read from Redis now."""
        return sum(len(shard.feeds) for shard in self._shards)

    async def close(self) -> None:
        tasks = [shard.task for shard in self._shards if shard.task]
        for shard in self._shards:
            shard.task = None
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._feeds.clear()
        await self._pool.aclose()

    def _shard(self, key: str) -> Shard:
        return self._shards[zlib.crc32(key.encode()) % len(self._shards)]

    async def _start(self, feed: Feed) -> None:
        shard = self._shard(feed.key)
        shard.feeds[feed.key] = feed
        if shard.task is None:
            shard.task = asyncio.create_task(self._read(shard), name=f"feeds:{feed.key}")
        elif shard.client_id is not None and not shard.waking:
            shard.waking = True
            try:
                with contextlib.suppress(RedisError):  # then it is read after the current block
                    await self._redis.client_unblock(shard.client_id)
            finally:
                shard.waking = False

    def _stop(self, feed: Feed) -> None:
        del self._feeds[feed.key]
        shard = self._shard(feed.key)
        shard.feeds.pop(feed.key, None)
        if not shard.feeds and shard.task is not None:
            shard.task.cancel()  # the blocked XREAD's connection is closed with it
            shard.task = None
            shard.client_id = None

    async def _read(self, shard: Shard) -> None:
        # Cancelled while connecting, redis-py may raise a ConnectionError (or an
        # AttributeError, from a connection it half closed) instead: a task that is no
        # longer its shard's ends all the same. While it is, no error ends it: its readers
        # would wait forever.
        me = asyncio.current_task()
        client = Redis(connection_pool=self._pool, single_connection_client=True)
        try:
            while shard.task is me and shard.feeds:
                try:
                    if shard.client_id is None:
                        client_id = int(await client.client_id())
                        if shard.task is not me:
                            return
                        shard.client_id = client_id
                    positions: dict[Any, Any] = {k: f.last_id for k, f in shard.feeds.items()}
                    found: list[Any] = await client.xread(  # type: ignore[assignment]
                        positions, block=BLOCK_MS, count=READ_COUNT
                    )
                except Exception as e:
                    if shard.task is not me:
                        return
                    shard.client_id = None
                    log.warning(
                        "feed.read_failed", detail=str(e), exc_info=not isinstance(e, RedisError)
                    )
                    await asyncio.sleep(1)
                    continue
                _deliver(shard, found or [])
        finally:
            await client.aclose()


def _deliver(shard: Shard, found: list[Any]) -> None:
    for key, entries in found:
        feed = shard.feeds.get(key)
        if feed is None:
            continue  # its last reader left meanwhile
        for entry_id, fields in entries:
            feed.last_id = entry_id
            event = (entry_id, fields)
            for reader in list(feed.readers):
                try:
                    reader.queue.put_nowait(event)
                except asyncio.QueueFull:
                    feed.readers.discard(reader)
                    reader.dropped.set()


def stream_id(text: str) -> tuple[int, int] | None:
    """A Redis stream id as a comparable pair, or None if `text` is not one."""
    ms, dash, seq = text.partition("-")
    if not ms or dash and not seq:  # Redis refuses `1-`, so a resume from it would fail
        return None
    if not (ms.isascii() and ms.isdigit() and len(ms) <= 16) or not (
        seq == "" or seq.isascii() and seq.isdigit() and len(seq) <= 16
    ):
        return None
    return int(ms), int(seq or 0)
