"""The worker process: an RQ SimpleWorker (no fork per job) on the moderation queue or the
webhooks queue, which also runs the reconciler between jobs."""

from __future__ import annotations

import gc
import os
import socket
import time

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.serializers import JSONSerializer

from services.core import logs
from services.core.settings import Settings
from services.store import queues
from services.store import shared_metrics as metrics
from services.store.lifecycle import purge
from services.store.priors import read_prior, seed
from services.store.redis_config import config_warnings
from services.worker.context import configure, current
from services.worker.reconcile import reconcile

log = logs.get(__name__)


class ModerationWorker(SimpleWorker):
    """RQ's SimpleWorker, whose periodic maintenance also reconciles stuck comments."""

    settings: Settings

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()  # type: ignore[no-untyped-call]
        try:
            report = reconcile(current().redis, self.connection, self.settings)
        except RedisError as e:
            log.warning("reconcile.failed", detail=str(e))
            return
        except Exception:  # a bug in a pass must not stop the worker: the next pass runs
            log.exception("reconcile.failed")
            return
        if report and (report.requeued or report.held):
            log.warning("reconcile.done", **vars(report))
        if report is not None:  # this worker holds the reconciler's turn: purge too
            try:
                purge(current().redis, self.settings.purge_after_days)
            except RedisError as e:
                log.warning("purge.failed", detail=str(e))


def build_worker(settings: Settings, queue_name: str = queues.MODERATION) -> ModerationWorker:
    configure(settings)
    connection = Redis.from_url(settings.redis_url)
    queue = Queue(queue_name, connection=connection, serializer=JSONSerializer)
    worker = ModerationWorker(
        [queue],
        # Named for what an operator looks for in `rq info`: the queue, the host, the process.
        name=f"{queue_name}.{socket.gethostname()}.{os.getpid()}",
        connection=connection,
        serializer=JSONSerializer,
        # Idle workers wake this often, so the reconciler runs on time.
        worker_ttl=settings.reconcile_every_s + 15,
        maintenance_interval=settings.reconcile_every_s,
    )
    worker.settings = settings
    return worker


def rq_log_level(settings: Settings) -> str:
    """RQ's own lines (five per job at INFO) only when debugging: each verdict has its line."""
    return "DEBUG" if settings.log_level.upper() == "DEBUG" else "WARNING"


def settle_garbage_collector() -> None:
    """What is loaded at start (word lists, schemas, libraries) lives as long as the process:
    keep the collector from walking it again and again."""
    gc.collect()
    gc.freeze()


def run(settings: Settings, *, queue: str = queues.MODERATION, burst: bool = False) -> None:
    """Work until SIGTERM or SIGINT, which finish the current job first (RQ's warm shutdown).
    A webhook worker also runs the dispatcher that turns events into deliveries."""
    worker = build_worker(settings, queue)
    wait_for_redis(worker.connection)
    warn_about_config(current().redis)
    if queue == queues.MODERATION:
        seed_prior(current().redis, settings)
    if settings.metrics_port:
        metrics.serve(settings.metrics_port)
    settle_garbage_collector()
    if queue == queues.WEBHOOKS:
        from services.worker.webhooks import Dispatcher

        Dispatcher(settings, worker.name).start()
    worker.work(burst=burst, with_scheduler=True, logging_level=rq_log_level(settings))


def wait_for_redis(redis: Redis, wait: float = 30.0) -> None:
    """Return once Redis answers, waiting up to `wait` seconds as the API does: containers
    start together, and a worker that exits at once on a short outage only loops."""
    deadline = time.monotonic() + wait
    while True:
        try:
            redis.ping()
            return
        except (RedisConnectionError, OSError):
            if time.monotonic() > deadline:
                raise
            log.warning(
                "waiting for Redis at %s", redis.connection_pool.connection_kwargs.get("host")
            )
            time.sleep(1)


def seed_prior(redis: Redis, settings: Settings) -> None:
    """A server whose filter has learned nothing starts from the prior (once, ever)."""
    try:
        if seed(redis, read_prior(settings.prior)):
            log.info("prior.loaded", prior=settings.prior or "shipped")
    except (OSError, ValueError) as e:  # a worker without a prior still moderates
        log.warning("prior.unreadable", detail=f"COMMENTS_PRIOR: {e}")


def warn_about_config(redis: Redis) -> None:
    try:
        config: dict[str, str] = {}
        for name in ("appendonly", "maxmemory-policy"):
            config.update(redis.config_get(name))  # type: ignore[arg-type]
    except RedisError as e:
        log.warning("redis.config_unreadable", detail=f"cannot check Redis's settings: {e}")
        return
    for warning in config_warnings(config):
        log.warning("redis.config", detail=warning)
