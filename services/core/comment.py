"""The comment record, its states, and the views of it that may leave the service."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from services.core.emails import email_hash, mask_email
from services.core.masking import mask_emails
from services.core.submission import Submission
from services.core.text import fingerprint


class State(StrEnum):
    PENDING = "pending"
    """Accepted and queued; no verdict yet."""
    PUBLISHED = "published"
    HELD = "held"
    """Waiting for a moderator."""
    SPAM = "spam"
    REJECTED = "rejected"
    REMOVED = "removed"
    """Published once, then taken down by a moderator."""


def now_iso(now: datetime | None = None) -> str:
    """RFC 3339 UTC time with milliseconds, e.g. `2026-11-28T18:04:05.123Z`."""
    return (now or datetime.now(UTC)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_record(
    comment_id: str,
    article_id: str,
    submission: Submission,
    secret: bytes,
    created_at: str,
    client_hash: str = "",
) -> dict[str, str]:
    """The hash stored for a new comment. It holds no raw email address: a keyed hash and a mask."""
    return {
        "id": comment_id,
        "article_id": article_id,
        "parent_id": submission.parent_id or "",
        "author_name": submission.name,
        "author_url": submission.url or "",
        "email_hash": email_hash(secret, submission.email),
        "email_masked": mask_email(submission.email),
        "client_hash": client_hash,
        "content": submission.content,
        "fingerprint": fingerprint(submission.content),
        "honeypot": "1" if submission.honeypot else "",
        "fill_ms": "" if submission.fill_ms is None else str(submission.fill_ms),
        "state": State.PENDING,
        "created_at": created_at,
    }


def self_link(comment_id: str) -> str:
    return f"/v1/comments/{comment_id}"


def status_view(record: Mapping[str, str]) -> dict[str, Any]:
    """What anyone holding the id may read: the state, and the public fields once published."""
    view: dict[str, Any] = {
        "id": record["id"],
        "article_id": record["article_id"],
        "status": record["state"],
        "links": {"self": self_link(record["id"])},
    }
    if record["state"] == State.PUBLISHED:
        view["comment"] = public_view(record)
    return view


PUBLIC_FIELDS = [
    "id", "article_id", "parent_id", "published_name", "published_url", "published_content",
    "published_html", "created_at", "published_at", "state",
]  # fmt: skip
"""The record fields `public_view` reads (and `state`, to check it is published)."""


def public_view(record: Mapping[str, str]) -> dict[str, Any]:
    """A published comment as readers see it: an allowlist, so no email or client address leaks."""
    return {
        "id": record["id"],
        "article_id": record["article_id"],
        "parent_id": record.get("parent_id") or None,
        "author": {"name": record["published_name"], "url": record.get("published_url") or None},
        "content": record["published_content"],
        "content_html": record["published_html"],
        "created_at": record["created_at"],
        "published_at": record["published_at"],
    }


HISTORY_STATES = ("published", "held", "spam", "rejected", "removed")


def moderator_view(record: Mapping[str, str], history: Mapping[str, str]) -> dict[str, Any]:
    """A comment as a moderator sees it: the text, the verdict with its reasons, the author's
    masked email, hashes to ban by, and the author's history. Email addresses written in the
    text, the name, the URL or what a check matched are masked here too: a moderator needs none."""
    verdict = json.loads(record.get("verdict") or "{}")
    reasons = [
        {**reason, "matched": [mask_emails(m) for m in reason.get("matched", [])]}
        for reason in verdict.get("reasons", [])
    ]
    decided = record.get("decision")
    return {
        "id": record["id"],
        "article_id": record["article_id"],
        "parent_id": record.get("parent_id") or None,
        "state": record["state"],
        "author": {
            "name": mask_emails(record["author_name"]),
            "url": mask_emails(record.get("author_url", "")) or None,
            "email": record["email_masked"],
            "email_hash": record["email_hash"],
            "client_hash": record.get("client_hash") or None,
        },
        "content": mask_emails(record["content"]),
        "revision": int(record.get("revision") or 0),
        "created_at": record["created_at"],
        "decided_at": record.get("decided_at") or None,
        "verdict": {
            "state": verdict.get("state"),
            "spam_score": verdict.get("spam_score"),
            "reasons": reasons,
        },
        "decision": {
            "action": decided,
            "by": record.get("decided_by", ""),
            "reason": record.get("decision_reason", ""),
        }
        if decided
        else None,
        "author_history": {state: max(0, int(history.get(state, 0))) for state in HISTORY_STATES},
        "links": {"self": f"/v1/moderation/comments/{record['id']}"},
    }
