"""The worker process: an RQ SimpleWorker (no fork per job) on the moderation queue."""

from __future__ import annotations

from redis import Redis
from rq import Queue, SimpleWorker
from rq.serializers import JSONSerializer

from services.core import queues
from services.core.settings import Settings
from services.worker.context import configure


def build_worker(settings: Settings, queue_name: str = queues.MODERATION) -> SimpleWorker:
    configure(settings)
    connection = Redis.from_url(settings.redis_url)
    queue = Queue(queue_name, connection=connection, serializer=JSONSerializer)
    return SimpleWorker([queue], connection=connection, serializer=JSONSerializer)


def run(settings: Settings, *, burst: bool = False) -> None:
    """Work until SIGTERM or SIGINT, which finish the current job first (RQ's warm shutdown)."""
    worker = build_worker(settings)
    worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level)
