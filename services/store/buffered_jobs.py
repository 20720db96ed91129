"""Building moderation jobs in the API without ever blocking the event loop on Redis.

RQ's client is synchronous. Here RQ only builds the job and buffers its commands into a
pipeline that is never executed; the caller sends those commands itself (see writer.py). The
pipeline's connection pool refuses to connect, so any attempt by RQ at blocking I/O fails
loudly instead of stalling every request on the loop.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any

import redis
from redis.client import Pipeline
from rq import Queue
from rq.serializers import JSONSerializer

from services.core.settings import Settings
from services.store import jobs, queues


class BlockingRedisIO(RuntimeError):
    """RQ tried a synchronous Redis command inside the API's event loop."""


class _NoIOConnectionPool(redis.ConnectionPool):
    def get_connection(self, *args: Any, **kwargs: Any) -> Any:
        raise BlockingRedisIO("the API's RQ queue must only buffer commands into a pipeline")


def job_queue(name: str, server_version: tuple[int, int, int]) -> Queue:
    """A queue for building jobs only; `server_version` spares RQ an INFO call."""
    queue = Queue(
        name,
        connection=_NO_IO,
        serializer=JSONSerializer,
    )
    queue.redis_server_version = server_version
    return queue


def moderation_queue(server_version: tuple[int, int, int]) -> Queue:
    return job_queue(queues.MODERATION, server_version)


_NO_IO = redis.Redis(connection_pool=_NoIOConnectionPool())


def recorder(queue: Queue | None = None) -> Pipeline:
    """A transaction pipeline that only collects commands, in `command_stack`."""
    pipe: Pipeline = (queue.connection if queue else _NO_IO).pipeline(transaction=True)
    pipe.multi()
    return pipe


def enqueue_batch(queue: Queue, pipe: Pipeline, first_id: str, settings: Settings) -> str:
    """Buffer the batch job named after `first_id` into `pipe`, a `recorder`; return its id."""
    spec = queues.batch_job(first_id, settings.job_timeout, settings.job_retry_intervals)
    jobs.enqueue(queue, spec, pipe)
    return spec.job_id


class JobTemplate:
    """RQ's own commands for one batch job, made by RQ once per process and then filled in for
    each batch: its first comment id where RQ wrote it (job key, payload, description, queue
    entry) and the time where RQ wrote it. Building a job through RQ costs ~50 µs (its
    options, serializer lookup through `typing.Protocol` checks, compression); filling the
    template in, ~8. `build` refuses (None) if RQ ever writes a job in a way the template
    does not account for, and the caller keeps using RQ; a test compares the two outputs."""

    MARKER = "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"
    """A comment id never issued (the largest ULID), where the batch's first id goes."""
    TIME_FIELDS = ("created_at", "enqueued_at")

    def __init__(self, commands: list[list[Any]], data_json: str) -> None:
        self._commands = commands
        self._data_json = data_json

    @classmethod
    def build(cls, queue: Queue, settings: Settings) -> JobTemplate | None:
        pipe = recorder(queue)
        enqueue_batch(queue, pipe, cls.MARKER, settings)
        commands: list[list[Any]] = [list(args) for args, _options in pipe.command_stack]
        data_json = ""
        for command in commands:
            for i, value in enumerate(command):
                if i > 0 and command[i - 1] == "data" and isinstance(value, bytes):
                    data_json = zlib.decompress(value).decode()
                    command[i] = None  # filled per job
                elif i > 0 and command[i - 1] in cls.TIME_FIELDS and isinstance(value, str):
                    command[i] = None
                elif isinstance(value, bytes):
                    return None  # something RQ wrote that the template does not know
        if cls.MARKER not in data_json:
            return None
        return cls(commands, data_json)

    def fill(self, pipe: Pipeline, first_id: str) -> str:
        """Buffer the batch job named after `first_id` into `pipe` (a `recorder`), as RQ
        would have; return its id."""
        data = zlib.compress(self._data_json.replace(self.MARKER, first_id).encode())
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        for template in self._commands:
            command: list[Any] = []
            for i, value in enumerate(template):
                if value is None:
                    command.append(data if template[i - 1] == "data" else now)
                elif isinstance(value, str) and self.MARKER in value:
                    command.append(value.replace(self.MARKER, first_id))
                else:
                    command.append(value)
            pipe.command_stack.append((tuple(command), {}))
        return self.job_id(first_id)

    @staticmethod
    def job_id(first_id: str) -> str:
        return queues.batch_job(first_id, 1, ()).job_id


class ModerationJobs:
    """Buffers batch jobs into recorders: through the template when RQ's way of writing a job
    allows one, otherwise through RQ itself."""

    def __init__(self, queue: Queue, settings: Settings) -> None:
        self.queue = queue
        self.settings = settings
        self.template = JobTemplate.build(queue, settings)

    def recorder(self) -> Pipeline:
        return recorder(self.queue)

    def add(self, pipe: Pipeline, first_id: str) -> str:
        """Buffer the batch job named after `first_id`; return its id."""
        if self.template:
            return self.template.fill(pipe, first_id)
        return enqueue_batch(self.queue, pipe, first_id, self.settings)


def parse_version(info: dict[str, Any]) -> tuple[int, int, int]:
    major, minor, patch = (str(info["redis_version"]).split(".") + ["0", "0"])[:3]
    return int(major), int(minor), int(patch)
