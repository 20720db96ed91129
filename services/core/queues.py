"""RQ queue names and job naming.

Jobs are named by dotted path, so the API never imports the worker.
"""

MODERATION = "moderation"
"""The queue of moderation jobs, one job per accepted comment."""

MODERATE = "services.worker.tasks.moderate"
"""Dotted path of the moderation job; its only argument is the comment id."""


def moderation_job_id(comment_id: str) -> str:
    """RQ job id of a comment's moderation job (RQ allows letters, digits, `_` and `-` only)."""
    return f"moderate-{comment_id}"
