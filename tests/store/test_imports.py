"""The importer against a real server: replies that come before their parents, threads
deeper than Python's recursion limit, and replies to a comment that never comes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from redis import Redis

from services.core.comment import State
from services.core.imported import Imported
from services.core.settings import Settings
from services.store import keys
from services.store.imports import Importer

START = datetime(2024, 1, 1, tzinfo=UTC)


def comment(n: int, parent: int | None, article: str = "deep") -> Imported:
    return Imported(
        source_id=f"s#{n}", article_id=article, parent_source_id=f"s#{parent}" if parent else "",
        name=f"Reader {n}", email=f"r{n}@example.org", url="", content=f"Comment {n}",
        created_at=START + timedelta(seconds=n), state=State.PUBLISHED,
    )  # fmt: skip


def parent_of(redis: Redis, index: str, n: int) -> str:
    ours = redis.hget(index, f"s#{n}")
    return str(redis.hget(keys.comment(str(ours)), "parent_id"))


def test_a_thread_deeper_than_the_recursion_limit_in_reverse_order(
    redis: Redis, settings: Settings
) -> None:
    depth = 3_000  # each answers the one before it, and the file lists them newest first
    importer = Importer(redis, settings, source="test")
    importer.run(comment(n, n - 1 if n > 1 else None) for n in range(depth, 0, -1))
    assert importer.summary.imported["published"] == depth and importer.summary.orphans == 0
    index = keys.imported("test")
    assert parent_of(redis, index, 1) == ""
    assert parent_of(redis, index, depth) == redis.hget(index, f"s#{depth - 1}")
    assert redis.zcard(keys.published("deep")) == depth


def test_replies_to_a_comment_not_in_the_file_are_kept_with_their_own_replies(
    redis: Redis, settings: Settings
) -> None:
    importer = Importer(redis, settings, source="test")
    # 2 answers 1, which is not in the file; 3 answers 2.
    importer.run([comment(3, 2, "lost"), comment(2, 1, "lost")])
    assert importer.summary.orphans == 1 and importer.summary.imported["published"] == 2
    index = keys.imported("test")
    assert parent_of(redis, index, 2) == ""
    assert parent_of(redis, index, 3) == redis.hget(index, "s#2")
