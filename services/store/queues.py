"""RQ queue names, job naming and the moderation job's policy.

Jobs are named by dotted path, so the API never imports the worker. The API queues batch
jobs (`batch_job`): a comment joins the batch still waiting in the queue or starts one; the
reconciler queues a comment whose job was lost on its own (`moderation_job`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from services.store import keys

if TYPE_CHECKING:
    from services.core.settings import Settings

MODERATION = "moderation"
"""The queue of moderation jobs."""

MODERATE = "services.worker.tasks.moderate"
"""Dotted path of the one-comment moderation job; its argument is the comment id."""

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
    """RQ job id of the reconciler's job for one comment (RQ allows letters, digits, `_` and
    `-` only)."""
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


MODERATION_BATCH = 16
"""Most comments one batch job carries. A comment joins the newest batch whose job is still
waiting in the queue (`keys.OPEN_BATCH`), else starts one: one comment per job while the
workers keep up, up to this many as soon as a backlog forms."""

OPEN_BATCH_TTL_S = 10
"""Seconds a batch stays open to new comments at most. A worker closes it as it starts the
job; the limit stops comments from joining, for longer than this, a batch whose job will not
start on its own (deleted by hand, or taken by a worker killed at once). The reconciler
re-queues those that did."""

MODERATE_BATCH = "services.worker.tasks.moderate_batch"
"""Dotted path of the batch job; its argument is the Redis list of the batch's comment ids."""


def moderation_job(comment_id: str, timeout: int, retry_intervals: tuple[int, ...]) -> JobSpec:
    """The job deciding one comment (the reconciler's, when a comment's job was lost)."""
    return JobSpec(
        func=MODERATE,
        args=[comment_id],
        job_id=moderation_job_id(comment_id),
        timeout=timeout,
        retry_intervals=list(retry_intervals),
        description=f"moderate comment {comment_id}",
        result_ttl=0,
    )


def batch_job(first_id: str, timeout: int, retry_intervals: tuple[int, ...]) -> JobSpec:
    """The job deciding the comments listed (by the scripts that stored them) under
    `keys.moderation_batch(first_id)`."""
    return JobSpec(
        func=MODERATE_BATCH,
        args=[keys.moderation_batch(first_id)],
        job_id=f"moderate-batch-{first_id}",
        timeout=timeout,
        retry_intervals=list(retry_intervals),
        description=f"moderate the comments accepted with {first_id}",
        # The verdict lives on the comment: a finished job is deleted at once. Kept, its
        # record and result would cost Redis ~5.6 KB for RESULT_TTL seconds.
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
