"""The moderation job the API writes through its template is the job RQ would have written."""

from __future__ import annotations

import re
import zlib
from typing import Any

from rq.job import Job
from rq.serializers import JSONSerializer

from services.core.settings import Settings
from services.store.buffered_jobs import (
    JobTemplate,
    ModerationJobs,
    enqueue_batch,
    moderation_queue,
)
from tests.helpers import field, moderate_all

COMMENT = "01KBC7T5SZ8Y3M7F9G2H4J6K8N"
RQ_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def commands(fill: Any) -> list[list[Any]]:
    queue = moderation_queue((8, 0, 0))
    pipe = ModerationJobs(queue, Settings(secret=b"x")).recorder()
    fill(queue, pipe)
    return [list(args) for args, _ in pipe.command_stack]


def test_the_template_writes_what_rq_writes() -> None:
    settings = Settings(secret=b"x")
    ours = commands(lambda q, p: ModerationJobs(q, settings).add(p, COMMENT))
    rqs = commands(lambda q, p: enqueue_batch(q, p, COMMENT, settings))
    assert ModerationJobs(moderation_queue((8, 0, 0)), settings).template is not None
    assert len(ours) == len(rqs)
    for mine, theirs in zip(ours, rqs, strict=True):
        assert len(mine) == len(theirs)
        for i, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            if i and theirs[i - 1] == "data":
                assert zlib.decompress(a) == zlib.decompress(b)
            elif i and theirs[i - 1] in JobTemplate.TIME_FIELDS:
                assert RQ_TIME.match(a) and RQ_TIME.match(b)
            else:
                assert a == b, (theirs[0], i)


async def test_a_job_from_the_template_is_read_and_run_by_rq(
    client: Any, redis_url: str, settings: Settings
) -> None:
    from redis import Redis

    from tests.helpers import valid_submission

    response = await client.post("/v1/articles/a1/comments", json=valid_submission())
    comment_id = (await response.json())["id"]
    raw = Redis.from_url(redis_url)
    job_id = field(
        Redis.from_url(redis_url, decode_responses=True), f"comments:comment:{comment_id}", "job_id"
    )
    job = Job.fetch(job_id, connection=raw, serializer=JSONSerializer)
    assert (job.func_name, job.args, job.retries_left) == (
        "services.worker.tasks.moderate_batch", [f"comments:batch:{comment_id}"],
        len(settings.job_retry_intervals),
    )  # fmt: skip
    assert raw.lrange(f"comments:batch:{comment_id}", 0, -1) == [comment_id.encode()]
    assert job.timeout == settings.job_timeout and job.result_ttl == 0
    assert moderate_all(settings) == 1
    assert raw.hget(f"comments:comment:{comment_id}", "state") == b"published"
    assert not raw.exists(f"comments:batch:{comment_id}")
    raw.close()
