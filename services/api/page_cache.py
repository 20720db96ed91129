"""Published pages as bytes, serialised once per article version and shared by every request
until the version changes: an article read by thousands costs one build per change, not one
per reader.

An entry is keyed by the page asked for (article, view, order, limit, cursor) and holds the
article version it was built at; the version in Redis moves on with every change to the
article's published set (the transition script and the erasure increment it), so a request
that reads a newer version builds the page again. The version is read before the page, so a
page is at least as new as its version says. Memory is bounded by bytes, least recently used
first out. Concurrent requests for a page being built wait for that build instead of starting
their own (a popular article that just changed would otherwise be built by every reader at
once)."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from prometheus_client import Counter, Gauge

LOOKUPS = Counter(
    "comments_page_cache_lookups_total",
    "Reads of published pages, by whether the serialised page was there (hit), was being "
    "built by another request (shared) or was built (miss).",
    ["result"],
)
ENTRY_BYTES = 512
"""What an entry costs besides its body (key, version, the ordered dict's node: about 470
bytes measured with tracemalloc), counted so that many small pages (unknown articles, every
cursor) are bounded too."""
HELD_BYTES = Gauge(
    "comments_page_cache_bytes", "Bytes of serialised pages held.", multiprocess_mode="livesum"
)


@dataclass(frozen=True)
class Entry:
    version: str
    body: bytes


class PageCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        """What the cache holds at most; a page over an eighth of it is served, not kept."""
        self.size = 0
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._building: dict[tuple[Hashable, str], asyncio.Future[bytes]] = {}

    async def page(
        self, key: Hashable, version: str, build: Callable[[], Awaitable[bytes]]
    ) -> bytes:
        entry = self._entries.get(key)
        if entry is not None and entry.version == version:
            self._entries.move_to_end(key)
            LOOKUPS.labels("hit").inc()
            return entry.body
        building = self._building.get((key, version))
        if building is not None:
            LOOKUPS.labels("shared").inc()
            # shield: a reader who hangs up does not cancel the build the others wait for.
            return await asyncio.shield(building)
        LOOKUPS.labels("miss").inc()
        task = asyncio.ensure_future(build())
        self._building[key, version] = task
        try:
            body = await asyncio.shield(task)
        finally:
            self._building.pop((key, version), None)
        self._keep(key, Entry(version, body))
        return body

    def _keep(self, key: Hashable, entry: Entry) -> None:
        old = self._entries.get(key)
        if old is not None and int(old.version) > int(entry.version):
            return  # a slower build of an older version finished last
        self._drop(key)
        if self.max_bytes <= 0 or len(entry.body) > self.max_bytes // 8:
            return
        self._entries[key] = entry
        self.size += ENTRY_BYTES + len(entry.body)
        HELD_BYTES.inc(ENTRY_BYTES + len(entry.body))
        while self.size > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.size -= ENTRY_BYTES + len(entry.body)
            HELD_BYTES.dec(ENTRY_BYTES + len(entry.body))
