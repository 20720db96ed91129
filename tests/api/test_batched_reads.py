"""Reads sent together: the requests of one turn of the event loop share one round trip, each
still answered with its own article's value as it is after the request arrived."""

from __future__ import annotations

import asyncio

import pytest
from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from services.api.batched_reads import article_records, article_versions
from services.store import keys


def mgets(redis: Redis) -> int:
    stats = redis.info("commandstats").get("cmdstat_mget", {})
    return int(stats.get("calls", 0)) if isinstance(stats, dict) else 0


async def test_concurrent_readers_share_one_read_and_get_their_own_version(
    redis: Redis, redis_url: str
) -> None:
    redis.set(keys.article_version("a"), 7)
    redis.set(keys.article_version("b"), 3)
    async with AsyncRedis.from_url(redis_url, decode_responses=True) as client:
        reader = article_versions(client)
        before = mgets(redis)
        asked = ["a", "b", "never-seen"] * 30
        found = await asyncio.gather(*(reader.read(a) for a in asked))
        assert found == ["7", "3", "0"] * 30
        assert mgets(redis) == before + 1

        redis.incr(keys.article_version("a"))  # a change: the next read sees it
        assert await reader.read("a") == "8"


async def test_a_reader_who_hangs_up_leaves_the_others_answered(
    redis: Redis, redis_url: str
) -> None:
    redis.set(keys.article_version("a"), 5)
    async with AsyncRedis.from_url(redis_url, decode_responses=True) as client:
        reader = article_versions(client)
        gone = asyncio.ensure_future(reader.read("a"))
        stays = asyncio.ensure_future(reader.read("a"))
        await asyncio.sleep(0)
        gone.cancel()
        assert await stays == "5"


async def test_a_redis_outage_is_every_waiting_readers_error() -> None:
    # Nothing listens there; no retries, so the error comes at once.
    closed = AsyncRedis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0))
    reader = article_versions(closed)
    results = await asyncio.gather(*(reader.read("a") for _ in range(3)), return_exceptions=True)
    assert all(isinstance(r, RedisConnectionError) for r in results)
    await closed.aclose()
    with pytest.raises(RedisConnectionError):
        await article_versions(closed).read("a")


async def test_article_records_are_read_together_too(redis: Redis, redis_url: str) -> None:
    redis.hset(keys.article("closed-one"), mapping={"status": "closed", "created_at": "x"})
    async with AsyncRedis.from_url(redis_url, decode_responses=True) as client:
        reader = article_records(client)
        found = await asyncio.gather(reader.read("closed-one"), reader.read("never-seen"))
        assert found[0]["status"] == "closed" and found[1] == {}
