"""The group-commit writer against a real server: batches apply whole, failures reach callers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from redis import Redis as SyncRedis
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from services.api.jobs import BlockingRedisIO, moderation_queue
from services.api.writer import BatchWriter


@contextlib.asynccontextmanager
async def running(writer: BatchWriter) -> AsyncIterator[BatchWriter]:
    task = asyncio.create_task(writer.run())
    try:
        yield writer
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_concurrent_callers_share_batches_and_all_commit(
    redis_url: str, redis: SyncRedis
) -> None:
    client = Redis.from_url(redis_url)
    async with running(BatchWriter(client)) as writer:
        await asyncio.gather(
            *(writer.apply([("HSET", f"k{i}", "n", i), ("RPUSH", "order", i)]) for i in range(500))
        )
    await client.aclose()
    assert redis.hget("k499", "n") == "499"
    assert sorted(map(int, redis.lrange("order", 0, -1))) == list(range(500))


async def test_an_error_reaches_every_caller_of_the_batch(redis_url: str, redis: SyncRedis) -> None:
    redis.set("a-string", "x")
    client = Redis.from_url(redis_url)
    async with running(BatchWriter(client)) as writer:
        with pytest.raises(ResponseError, match="WRONGTYPE"):
            await writer.apply([("HSET", "a-string", "f", "v")])
        await writer.apply([("SET", "after", "1")])  # the writer carries on
    await client.aclose()
    assert redis.get("after") == "1"


async def test_an_unreachable_server_is_a_connection_error() -> None:
    from services.core.embedded_redis import free_port

    client = Redis(port=free_port(), retry=Retry(NoBackoff(), 0))
    async with running(BatchWriter(client)) as writer:
        with pytest.raises(RedisConnectionError):
            await writer.apply([("SET", "k", "v")])
    await client.aclose()


def test_the_api_side_rq_queue_cannot_do_blocking_io() -> None:
    queue = moderation_queue((8, 0, 0))
    with pytest.raises(BlockingRedisIO):
        queue.count  # noqa: B018
