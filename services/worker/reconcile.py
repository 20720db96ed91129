"""The reconciler: every comment that got a 202 reaches a final state, whatever failed.

RQ delivers at least once, but a worker killed mid-job leaves the job "started" until RQ
notices, a job can fail through its retries, and a Redis restart can lose a queue entry. So,
for each comment still pending past a deadline: if its job is queued, scheduled or running,
it is left alone; if the job is gone, finished without deciding, or failed, the job is
enqueued again (it is safe to run twice); after a few such attempts the comment is held for
a moderator with the reason, rather than tried forever.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from redis import Redis
from rq import Queue
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer

from services.core import logs
from services.core.checks.signal import Action, Signal
from services.core.comment import State, now_iso
from services.core.settings import Settings
from services.core.transition import Transition
from services.store import jobs, keys, queues
from services.store.records import INCREMENT, UPDATE, increment_args, update_args
from services.store.transitions import TRANSITION, outcome, transition_args, transition_keys

log = logs.get(__name__)

BATCH = 1000
"""Most pending comments one pass looks at."""
MAX_QUEUE_SCAN = 100_000
"""Up to this many queued jobs, a pass reads the queue to find jobs marked queued that are
in no queue; past it (a backlog), it trusts the mark."""
WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
ABANDONED_AFTER_S = 5
"""A job still "started" this long past its timeout has no worker left: RQ would have
stopped it. (RQ notices too, but only when the dead worker's heartbeat runs out.)"""


@dataclass
class Report:
    looked_at: int = 0
    requeued: int = 0
    held: int = 0
    waiting: int = 0
    """Pending past the deadline, but with their job queued, scheduled or running."""


def reconcile(redis: Redis, connection: Redis, settings: Settings) -> Report | None:
    """One pass, unless another reconciler holds the lock (then None). `redis` speaks text,
    `connection` bytes (RQ's)."""
    if not redis.set(keys.RECONCILER_LOCK, "1", nx=True, ex=max(5, settings.reconcile_every_s)):
        return None
    try:
        return _reconcile(redis, connection, settings)
    finally:
        redis.delete(keys.RECONCILER_LOCK)


def _reconcile(redis: Redis, connection: Redis, settings: Settings) -> Report:
    queue = Queue(queues.MODERATION, connection=connection, serializer=JSONSerializer)
    # RQ's own sweep first: a job whose worker stopped heart-beating is retried or failed.
    StartedJobRegistry(queue=queue).cleanup()
    deadline_ms = int(time.time() * 1000) - settings.reconcile_after_s * 1000
    stale: list[str] = redis.zrangebyscore(  # type: ignore[assignment]
        keys.state_set(State.PENDING), "-inf", deadline_ms, start=0, num=BATCH
    )
    report = Report(looked_at=len(stale))
    # A job marked queued may be in no queue: taken by a worker killed before it started it.
    in_queue = set(queue.get_job_ids()) if stale and queue.count <= MAX_QUEUE_SCAN else None
    pipe = redis.pipeline(transaction=False)
    for comment_id in stale:
        pipe.hmget(keys.comment(comment_id), ["job_id", "last_error"])
    found: list[list[str | None]] = pipe.execute()
    for comment_id, (job_id, last_error) in zip(stale, found, strict=True):
        # The job the API wrote for it (with other comments, maybe), or the one we wrote.
        job_id = job_id or queues.moderation_job_id(comment_id)
        job, status, failure = _job_state(job_id, connection)
        queued = status == JobStatus.QUEUED and (in_queue is None or job_id in in_queue)
        if (
            queued
            or status in WAITING - {JobStatus.QUEUED}
            or (status == JobStatus.STARTED and job and _running(job, settings))
        ):
            report.waiting += 1
            continue
        counted = redis.eval(
            INCREMENT, 1, keys.comment(comment_id), *increment_args("reconciled", 1)
        )
        if counted is None:  # erased meanwhile: nothing to reconcile, nothing to re-create
            continue
        attempts = int(counted)
        if attempts > settings.reconcile_attempts:
            if _hold(redis, comment_id, attempts - 1, last_error or failure or f"the job {status}"):
                report.held += 1
            continue
        spec = queues.moderation_job(comment_id, settings.job_timeout, settings.job_retry_intervals)
        if not redis.eval(
            UPDATE, 1, keys.comment(comment_id), *update_args({"job_id": spec.job_id})
        ):
            continue
        jobs.enqueue(queue, spec)
        report.requeued += 1
        log.warning("comment.requeued", comment_id=comment_id, attempt=attempts, job=status)
    return report


def _job_state(job_id: str, connection: Redis) -> tuple[Job | None, JobStatus | None, str]:
    """The job, its status and its last failure; no job if it is gone, even if it went
    between reading it and its status (a job that finished is deleted at once)."""
    try:
        job = Job.fetch(job_id, connection=connection, serializer=JSONSerializer)
        result = job.latest_result()
        return job, job.get_status(), _last_line(result.exc_string if result else None)
    except (NoSuchJobError, InvalidJobOperation):
        return None, None, "the job was lost"


def _running(job: Job, settings: Settings) -> bool:
    if job.started_at is None:
        return True
    age = (datetime.now(UTC) - job.started_at.replace(tzinfo=UTC)).total_seconds()
    return age < settings.job_timeout + ABANDONED_AFTER_S


def _hold(redis: Redis, comment_id: str, attempts: int, failure: str) -> bool:
    record: dict[str, str] = redis.hgetall(keys.comment(comment_id))  # type: ignore[assignment]
    if not record or record["state"] != State.PENDING:
        return False
    reason = Signal(
        "moderation_failed",
        Action.HOLD,
        0.0,
        f"moderation did not finish after {attempts} attempts: {failure}",
    )
    transition = Transition(
        record=record,
        expected=State.PENDING,
        new_state=State.HELD,
        now_iso=now_iso(),
        now_ms=int(time.time() * 1000),
        verdict={"state": "held", "spam_score": None, "reasons": [reason.as_reason()]},
    )
    reply = redis.register_script(TRANSITION)(
        keys=transition_keys(transition), args=transition_args(transition)
    )
    applied = outcome(reply).applied
    if applied:
        log.error("comment.held_after_failures", comment_id=comment_id, failure=failure)
    return bool(applied)


def _last_line(text: str | None) -> str:
    return text.strip().splitlines()[-1][:300] if text and text.strip() else ""
