"""An article's threads a page at a time (`?view=tree&cursor=`): each page holds whole
threads, a top-level comment with every reply under it, up to `TREE_LIMIT` comments, oldest
or newest thread first; the cursor is the publication number of the page's last top-level
comment. Replies stay in the order they were written, whichever order the threads are in.

A page needs to know which thread every published comment belongs to, so it reads every
published id and its parent (one sorted-set read and one pipelined read of one field each)
and the full records of its own page only. Measured by bench/reader_pages.py: about 6 pages a
second for a 2,500-comment thread, 2-3 for 10,000 (the flat list's first page: ~145); a CDN
in front (the ETag and Cache-Control) absorbs the readers, but this is the slow part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from services.core.comment import PUBLIC_FIELDS, State, public_view
from services.core.threads import build_tree
from services.store import keys

TREE_LIMIT = 1000
"""Most comments on one page of threads (a single thread longer than this is cut to it)."""


@dataclass
class Thread:
    seq: int
    """The top-level comment's publication number: the cursor past this thread."""
    ids: list[str] = field(default_factory=list)
    """The thread's comments in publication order, its top-level comment first."""


async def tree_page(
    redis: Redis, article_id: str, newest: bool, after: int, limit: int
) -> dict[str, Any]:
    entries: list[tuple[str, float]] = await redis.zrange(  # type: ignore[assignment]
        keys.published(article_id), 0, -1, withscores=True
    )
    async with redis.pipeline(transaction=False) as pipe:
        for comment_id, _ in entries:
            pipe.hget(keys.comment(comment_id), "parent_id")
        parents: list[str | None] = await pipe.execute()
    threads = _threads(entries, parents)
    if newest:
        threads.reverse()
    if after:
        threads = [t for t in threads if (t.seq < after if newest else t.seq > after)]
    page: list[Thread] = []
    size = 0
    for thread in threads:
        if page and size + len(thread.ids) > limit:
            break
        page.append(thread)
        size += len(thread.ids)
    ids = [comment_id for thread in page for comment_id in thread.ids]
    records = await published_records(redis, ids[:limit])
    next_cursor = str(page[-1].seq) if len(page) < len(threads) else None
    base = f"/v1/articles/{article_id}/comments?view=tree&limit={limit}"
    base += "&order=newest" if newest else ""
    return {
        "article_id": article_id,
        "view": "tree",
        "order": "newest" if newest else "oldest",
        "count": len(entries),
        "threads": build_tree([public_view(r) for r in records if r is not None]),
        "truncated": len(ids) > limit or next_cursor is not None,
        "next_cursor": next_cursor,
        "links": {
            "self": base + (f"&cursor={after}" if after else ""),
            "next": f"{base}&cursor={next_cursor}" if next_cursor else None,
        },
    }


def _threads(entries: Sequence[tuple[str, float]], parents: Sequence[str | None]) -> list[Thread]:
    """The threads, oldest first. As in `build_tree`, a reply whose parent is not published
    before it (taken down) stands at the top, a thread of its own."""
    threads: dict[str, Thread] = {}
    root_of: dict[str, str] = {}
    for (comment_id, seq), parent in zip(entries, parents, strict=True):
        root = root_of.get(parent or "")
        if root is None:
            root = comment_id
            threads[root] = Thread(int(seq))
        root_of[comment_id] = root
        threads[root].ids.append(comment_id)
    return list(threads.values())


async def published_records(redis: Redis, ids: Sequence[str]) -> list[dict[str, str] | None]:
    """The public fields of each comment, None for one taken down since its id was read."""
    if not ids:
        return []
    async with redis.pipeline(transaction=False) as pipe:
        for comment_id in ids:
            pipe.hmget(keys.comment(comment_id), PUBLIC_FIELDS)
        rows = await pipe.execute()
    records: list[dict[str, str] | None] = []
    for row in rows:
        record = dict(zip(PUBLIC_FIELDS, row, strict=True))
        records.append(record if record["state"] == State.PUBLISHED else None)
    return records
