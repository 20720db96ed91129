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
    """Sorted set of an article's published comment ids, scored by publication number."""
    return f"{PREFIX}article:{article_id}:published"


def publication_counter(article_id: str) -> str:
    """Counter numbering an article's publications: list order and cursors, never reused."""
    return f"{PREFIX}article:{article_id}:seq"


def content_spread(fingerprint: str) -> str:
    """Sorted set of `article|author` pairs that sent this content, scored by time (ms)."""
    return f"{PREFIX}spread:{fingerprint}"


def duplicate(article_id: str, email_hash: str, fingerprint: str) -> str:
    """Marks that this author sent this content to this article (intake refuses a second)."""
    return f"{PREFIX}dup:{article_id}:{email_hash}:{fingerprint}"


def flood(kind: str, hashed: str) -> str:
    """Sorted set of an author's or a client's recent submissions, scored by time (ms)."""
    return f"{PREFIX}flood:{kind}:{hashed}"
