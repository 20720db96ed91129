"""RQ queue names, job naming and the moderation job's policy.

Jobs are named by dotted path, so the API never imports the worker; both sides build the RQ
job from `moderation_job`, so a job re-enqueued by the reconciler is the one the API made.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.core.settings import Settings

MODERATION = "moderation"
"""The queue of moderation jobs, one job per accepted comment."""

MODERATE = "services.worker.tasks.moderate"
"""Dotted path of the moderation job; its only argument is the comment id."""

WEBHOOKS = "webhooks"
"""The queue of webhook deliveries, worked by its own workers."""

DELIVER = "services.worker.webhooks.deliver"
"""Dotted path of the delivery job: subscription id, event id, event type, event JSON."""

RESULT_TTL = 300
"""Seconds RQ keeps a finished webhook delivery job (the dispatcher skips an event whose job
it finds); moderation jobs are not kept at all."""

FAILURE_TTL = 7 * 24 * 3600
"""Seconds RQ keeps a failed job in its failed registry, for operators to inspect."""


def moderation_job_id(comment_id: str) -> str:
    """RQ job id of a comment's moderation job (RQ allows letters, digits, `_` and `-` only)."""
    return f"moderate-{comment_id}"


@dataclass(frozen=True)
class JobSpec:
    func: str
    args: list[str]
    job_id: str
    timeout: int
    retry_intervals: list[int]
    description: str
    result_ttl: int = RESULT_TTL
    failure_ttl: int = FAILURE_TTL


def moderation_job(comment_id: str, timeout: int, retry_intervals: tuple[int, ...]) -> JobSpec:
    return JobSpec(
        func=MODERATE,
        args=[comment_id],
        job_id=moderation_job_id(comment_id),
        timeout=timeout,
        retry_intervals=list(retry_intervals),
        description=f"moderate comment {comment_id}",
        # The verdict lives on the comment: a finished job is deleted at once. Kept, its
        # record and result would cost Redis ~5.6 KB per comment for RESULT_TTL seconds.
        result_ttl=0,
    )


def delivery_id(webhook_id: str, event_id: str) -> str:
    """A delivery's id, the same on every attempt: the receiver's key to drop repeats."""
    return f"{webhook_id}-{event_id}"


def delivery_job_id(webhook_id: str, event_id: str) -> str:
    return f"deliver-{delivery_id(webhook_id, event_id)}"


def jittered(intervals: tuple[int, ...], rng: random.Random | None = None) -> list[int]:
    """Each interval moved by up to 20% either way, so failed deliveries to one receiver do
    not all come back at the same second."""
    rng = rng or random.Random()
    return [max(0, round(i * rng.uniform(0.8, 1.2))) for i in intervals]


def delivery_job(
    webhook_id: str, event_id: str, event_type: str, data: str, settings: Settings
) -> JobSpec:
    return JobSpec(
        func=DELIVER,
        args=[webhook_id, event_id, event_type, data],
        job_id=delivery_job_id(webhook_id, event_id),
        timeout=int(settings.webhook_timeout_s) + 10,
        retry_intervals=jittered(settings.webhook_retry_intervals),
        description=f"deliver {event_type} {event_id} to webhook {webhook_id}",
    )
