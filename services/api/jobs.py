"""Building moderation jobs in the API without ever blocking the event loop on Redis.

RQ's client is synchronous. Here RQ only builds the job and buffers its commands into a
pipeline that is never executed; the caller sends those commands itself (see writer.py). The
pipeline's connection pool refuses to connect, so any attempt by RQ at blocking I/O fails
loudly instead of stalling every request on the loop.
"""

from __future__ import annotations

from typing import Any

import redis
from redis.client import Pipeline
from rq import Queue
from rq.serializers import JSONSerializer

from services import jobs
from services.core import queues
from services.core.settings import Settings


class BlockingRedisIO(RuntimeError):
    """RQ tried a synchronous Redis command inside the API's event loop."""


class _NoIOConnectionPool(redis.ConnectionPool):
    def get_connection(self, *args: Any, **kwargs: Any) -> Any:
        raise BlockingRedisIO("the API's RQ queue must only buffer commands into a pipeline")


def job_queue(name: str, server_version: tuple[int, int, int]) -> Queue:
    """A queue for building jobs only; `server_version` spares RQ an INFO call."""
    queue = Queue(
        name,
        connection=redis.Redis(connection_pool=_NoIOConnectionPool()),
        serializer=JSONSerializer,
    )
    queue.redis_server_version = server_version
    return queue


def moderation_queue(server_version: tuple[int, int, int]) -> Queue:
    return job_queue(queues.MODERATION, server_version)


def recorder(queue: Queue) -> Pipeline:
    """A transaction pipeline that only collects commands, in `command_stack`."""
    pipe: Pipeline = queue.connection.pipeline(transaction=True)
    pipe.multi()
    return pipe


def enqueue_moderation(queue: Queue, pipe: Pipeline, comment_id: str, settings: Settings) -> None:
    """Buffer the comment's moderation job into `pipe`, a `recorder`."""
    spec = queues.moderation_job(comment_id, settings.job_timeout, settings.job_retry_intervals)
    jobs.enqueue(queue, spec, pipe)


def parse_version(info: dict[str, Any]) -> tuple[int, int, int]:
    major, minor, patch = (str(info["redis_version"]).split(".") + ["0", "0"])[:3]
    return int(major), int(minor), int(patch)
