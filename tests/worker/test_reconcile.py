"""The reconciler: a comment whose job was lost, failed or abandoned still reaches a final
state, and one that keeps failing is held with the reason."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from redis import Redis
from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer

from services.core.settings import Settings
from services.store import keys, queues
from services.worker.reconcile import reconcile
from tests.helpers import Client, field, moderate_all, valid_submission


async def pending(client: Client) -> str:
    response = await client.post("/v1/articles/a1/comments", json=valid_submission())
    return str((await response.json())["id"])


def run(redis: Redis, settings: Settings) -> dict[str, int]:
    report = reconcile(redis, Redis.from_url(settings.redis_url), settings)
    assert report is not None
    return vars(report)


def age(redis: Redis, comment_id: str, seconds: int) -> None:
    """Pretend the comment was accepted `seconds` ago."""
    score = redis.zscore(keys.state_set("pending"), comment_id)
    assert score is not None
    redis.zadd(keys.state_set("pending"), {comment_id: score - seconds * 1000})


async def test_a_lost_job_is_enqueued_again_and_the_comment_decided(
    client: Client, redis: Redis, settings: Settings
) -> None:
    comment_id = await pending(client)
    connection = Redis.from_url(settings.redis_url)
    Job.fetch(field(redis, keys.comment(comment_id), "job_id"), connection=connection).delete()
    assert Queue(queues.MODERATION, connection=connection).count == 0
    assert run(redis, settings)["looked_at"] == 0  # not past the deadline yet
    age(redis, comment_id, settings.reconcile_after_s + 1)
    assert run(redis, settings) == {"looked_at": 1, "requeued": 1, "held": 0, "waiting": 0}
    moderate_all(settings)
    assert redis.hget(keys.comment(comment_id), "state") == "published"


async def test_a_job_gone_while_it_is_read_is_taken_for_lost(
    client: Client, redis: Redis, settings: Settings
) -> None:
    # A job that finishes is deleted at once: between reading it and reading its status, its
    # hash can lose the status (RQ then raises InvalidJobOperation, which stopped `comments up`).
    comment_id = await pending(client)
    job_id = field(redis, keys.comment(comment_id), "job_id")
    redis.lrem(f"rq:queue:{queues.MODERATION}", 0, job_id)  # taken by a worker
    redis.hdel(f"rq:job:{job_id}", "status")
    age(redis, comment_id, settings.reconcile_after_s + 1)
    assert run(redis, settings) == {"looked_at": 1, "requeued": 1, "held": 0, "waiting": 0}
    moderate_all(settings)
    assert redis.hget(keys.comment(comment_id), "state") == "published"


async def test_a_queued_job_is_left_alone(client: Client, redis: Redis, settings: Settings) -> None:
    comment_id = await pending(client)
    age(redis, comment_id, settings.reconcile_after_s + 1)
    assert run(redis, settings) == {"looked_at": 1, "requeued": 0, "held": 0, "waiting": 1}


async def test_a_comment_that_keeps_failing_is_held_with_the_reason(
    aiohttp_client: Any, redis: Redis, settings: Settings
) -> None:
    from services.api.app import create_app

    settings = replace(settings, reconcile_attempts=2, job_retry_intervals=())
    client = await aiohttp_client(create_app(settings))
    comment_id = await pending(client)
    redis.hdel(keys.comment(comment_id), "content")  # the job will fail on it, every time
    age(redis, comment_id, settings.reconcile_after_s + 1)
    for attempt in range(3):
        moderate_all(settings)  # a real worker runs the job, which fails
        job = Job.fetch(
            field(redis, keys.comment(comment_id), "job_id"),
            connection=Redis.from_url(settings.redis_url),
            serializer=JSONSerializer,
        )
        assert job.get_status() == "failed"
        report = run(redis, settings)
        assert report["requeued" if attempt < 2 else "held"] == 1
    record = redis.hgetall(keys.comment(comment_id))
    assert record["state"] == "held"
    [reason] = json.loads(record["verdict"])["reasons"]
    assert reason["check"] == "moderation_failed"
    assert "KeyError: 'content'" in reason["detail"]
    assert redis.zscore(keys.state_set("held"), comment_id) is not None
    assert redis.zscore(keys.state_set("pending"), comment_id) is None


async def test_only_one_reconciler_runs_at_a_time(
    client: Client, redis: Redis, settings: Settings
) -> None:
    redis.set(keys.RECONCILER_LOCK, "1", ex=30)
    assert reconcile(redis, Redis.from_url(settings.redis_url), settings) is None
