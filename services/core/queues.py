"""RQ queue names, job naming and the moderation job's policy.

Jobs are named by dotted path, so the API never imports the worker; both sides build the RQ
job from `moderation_job`, so a job re-enqueued by the reconciler is the one the API made.
"""

from __future__ import annotations

from dataclasses import dataclass

MODERATION = "moderation"
"""The queue of moderation jobs, one job per accepted comment."""

MODERATE = "services.worker.tasks.moderate"
"""Dotted path of the moderation job; its only argument is the comment id."""

RESULT_TTL = 300
"""Seconds RQ keeps a finished job; the verdict lives on the comment record, not here."""

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
    )
