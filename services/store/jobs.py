"""A `JobSpec` (services/store/queues.py) made into an RQ job: the one place RQ's job options
are spelled, for the API, the reconciler and the webhook dispatcher alike."""

from __future__ import annotations

from typing import Any

from rq import Queue, Retry
from rq.job import Job

from services.store.queues import JobSpec


def build(queue: Queue, spec: JobSpec) -> Job:
    return queue.create_job(
        spec.func,
        args=spec.args,
        job_id=spec.job_id,
        timeout=spec.timeout,
        result_ttl=spec.result_ttl,
        failure_ttl=spec.failure_ttl,
        retry=Retry(max=len(spec.retry_intervals), interval=spec.retry_intervals)
        if spec.retry_intervals
        else None,
        description=spec.description,
    )


def enqueue(queue: Queue, spec: JobSpec, pipeline: Any = None) -> Job:
    """Queue the job, in `pipeline` when given (the caller executes it)."""
    return queue.enqueue_job(build(queue, spec), pipeline=pipeline)
