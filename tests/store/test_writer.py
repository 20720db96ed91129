"""The group-commit writer against a real server: batches apply whole, failures reach callers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis import Redis as SyncRedis
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from services.store.buffered_jobs import BlockingRedisIO, moderation_queue
from services.store.writer import BatchWriter


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
    from services.ops.embedded_redis import free_port

    client = Redis(port=free_port(), retry=Retry(NoBackoff(), 0))
    async with running(BatchWriter(client)) as writer:
        with pytest.raises(RedisConnectionError):
            await writer.apply([("SET", "k", "v")])
    await client.aclose()


def test_the_api_side_rq_queue_cannot_do_blocking_io() -> None:
    queue = moderation_queue((8, 0, 0))
    with pytest.raises(BlockingRedisIO):
        queue.count  # noqa: B018


async def test_comments_accepted_together_share_one_job_and_refused_ones_leave_nothing(
    aiohttp_client: Any, redis: SyncRedis, settings: Any
) -> None:
    from dataclasses import replace

    from services.api.app import create_app
    from services.store import keys
    from tests.helpers import moderate_all

    settings = replace(settings, rate_limits=False)  # 21 posts from one address
    client = await aiohttp_client(create_app(settings))

    first = await client.post("/v1/articles/a1/comments", json=_document(0))
    assert first.status == 202
    moderate_all(settings)
    answers = await asyncio.gather(
        *(client.post("/v1/articles/a1/comments", json=_document(n)) for n in range(1, 21)),
        client.post("/v1/articles/a1/comments", json=_document(0)),  # a duplicate: 409
    )
    statuses = [a.status for a in answers]
    assert statuses.count(202) == 20 and statuses.count(409) == 1
    accepted = [(await a.json())["id"] for a in answers if a.status == 202]
    job_ids = {redis.hget(keys.comment(c), "job_id") for c in accepted}
    assert len(job_ids) < 20  # batched: RQ's cost is paid once per job, not per comment
    listed = [
        c
        for job_id in job_ids
        for c in redis.lrange(
            keys.moderation_batch(str(job_id).removeprefix("moderate-batch-")), 0, -1
        )
    ]
    assert sorted(listed) == sorted(accepted)  # each accepted comment once; the 409 not at all
    assert moderate_all(settings) == len(job_ids)
    states = {redis.hget(keys.comment(c), "state") for c in accepted}
    assert states == {"published"}
    assert not list(redis.scan_iter(match=keys.moderation_batch("*")))


def _document(n: int) -> dict[str, Any]:
    from tests.helpers import valid_submission

    body = valid_submission(content=f"Comment {n} of a burst, each one different.")
    body["author"]["email"] = f"burst{n}@example.com"
    return body


async def test_comments_join_the_job_waiting_in_the_queue_until_a_worker_starts_it(
    aiohttp_client: Any, redis: SyncRedis, settings: Any
) -> None:
    from dataclasses import replace

    from services.api.app import create_app
    from services.store import keys, queues
    from services.store.batches import READ_BATCH, read_batch_args, read_batch_keys
    from tests.helpers import moderate_all

    settings = replace(settings, rate_limits=False)
    client = await aiohttp_client(create_app(settings))

    async def post(n: int) -> str:
        answer = await client.post("/v1/articles/a1/comments", json=_document(n))
        assert answer.status == 202
        return str((await answer.json())["id"])

    def job_of(comment_id: str) -> str:
        return str(redis.hget(keys.comment(comment_id), "job_id"))

    # One at a time, with no worker running: a backlog. They share jobs, 16 at most.
    ids = [await post(n) for n in range(18)]
    assert 0 < redis.ttl(keys.OPEN_BATCH) <= queues.OPEN_BATCH_TTL_S  # never open for long
    jobs = [job_of(c) for c in ids]
    assert jobs[:16] == [jobs[0]] * 16
    assert jobs[16] == jobs[17] != jobs[0]
    assert moderate_all(settings) == 2
    assert {redis.hget(keys.comment(c), "state") for c in ids} == {"published"}

    # A worker starts the waiting job (reads its list) before it finishes: a comment
    # accepted meanwhile gets a job of its own instead of joining a list already read.
    first, second = await post(100), await post(101)
    assert job_of(first) == job_of(second)
    listing = keys.moderation_batch(job_of(first).removeprefix("moderate-batch-"))
    redis.eval(READ_BATCH, 2, *read_batch_keys([listing]), *read_batch_args([]))
    third = await post(102)
    assert job_of(third) != job_of(first)
    assert redis.lrange(listing, 0, -1) == [first, second]
    assert moderate_all(settings) == 2
    states = {redis.hget(keys.comment(c), "state") for c in (first, second, third)}
    assert states == {"published"}
    assert not list(redis.scan_iter(match=keys.moderation_batch("*")))
