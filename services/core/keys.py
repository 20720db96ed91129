"""Every Redis key this service writes, in one place. RQ's own keys (`rq:*`) are RQ's."""

PREFIX = "comments:"

PENDING = f"{PREFIX}pending"
"""Sorted set of comment ids awaiting a verdict, scored by acceptance time (ms)."""

HELD = f"{PREFIX}held"
"""Sorted set of comment ids held for a moderator, scored by the time they were held (ms)."""

EVENTS = f"{PREFIX}events"
"""Stream of comment events (`comment.published`, ...), trimmed to an approximate length."""


def comment(comment_id: str) -> str:
    """Hash holding one comment's record."""
    return f"{PREFIX}comment:{comment_id}"


def published(article_id: str) -> str:
    """Sorted set of an article's published comment ids, scored by publication time (ms)."""
    return f"{PREFIX}article:{article_id}:published"
