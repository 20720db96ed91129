"""The reader's own comment: the edit token given once with the `202`, and the transitions an
edit and a deletion make.

The token is random and kept only as a keyed hash (HMAC under the server secret), like an
email address: the record, a dump of Redis or a log line never holds one a reader could use.
An edit puts the comment back to `pending` with its new text, and it is judged again as a new
submission is: a published comment leaves public view until then (usually well under a
second), so no unjudged text is ever shown. A deletion takes it to `removed`; its replies stay.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping

from services.core.comment import State, now_iso
from services.core.decisions import tokens_of
from services.core.emails import keyed_hash
from services.core.errors import Problem
from services.core.text import fingerprint
from services.core.transition import ARTICLE_EVENTS_TTL_S, Transition

HEADER = "Edit-Token"

EDITABLE = frozenset({State.PENDING, State.PUBLISHED, State.HELD})
"""An edit is judged again; a comment already judged spam or rejected, or removed, is not
given another try under the same id (a new comment is judged as any other)."""

GONE = frozenset({State.SPAM, State.REJECTED, State.REMOVED})
"""Deleting one of these changes nothing: it is not public, and its place in the author's
history (spam stays spam) is not the author's to erase."""

CLEARED_BY_EDIT = ("verdict", "checks", "decided_by", "decision", "decision_reason")
"""What was said about the old text: the new one is judged afresh."""


class EditWindowClosed(Problem):
    status = 409
    title = "Edit window closed"
    slug = "edit-window-closed"


def new_edit_token() -> str:
    return secrets.token_urlsafe(32)


def edit_token_hash(secret: bytes, token: str) -> str:
    return keyed_hash(secret, f"edit-token:{token}")


def token_matches(secret: bytes, record: Mapping[str, str], token: str | None) -> bool:
    stored = record.get("edit_token_hash", "")
    if not token or not stored:
        return False
    return hmac.compare_digest(edit_token_hash(secret, token), stored)


def _audit(record: Mapping[str, str], action: str, to: State, when: str) -> dict[str, str]:
    return {
        "at": when,
        "actor": "author",
        "role": "reader",
        "action": action,
        "comment_id": record["id"],
        "article_id": record["article_id"],
        "from": record["state"],
        "to": to.value,
        "reason": "",
    }


def edit_transition(
    record: Mapping[str, str],
    content: str,
    now_ms: int,
    article_events_ttl_s: int = ARTICLE_EVENTS_TTL_S,
) -> Transition:
    """Back to `pending` with the new text, the filter untaught what it learned from the old."""
    when = now_iso()
    revision = str(int(record.get("revision") or 0) + 1)
    return Transition(
        record=record,
        expected=State(record["state"]),
        new_state=State.PENDING,
        now_iso=when,
        now_ms=now_ms,
        learn_as="forget",
        tokens=tokens_of(record),
        fields={
            "content": content,
            "fingerprint": fingerprint(content),
            "revision": revision,
            "edited_at": when,
        },
        cleared=CLEARED_BY_EDIT,
        revision=record.get("revision", ""),
        audit=_audit(record, "edit", State.PENDING, when),
        article_events_ttl_s=article_events_ttl_s,
    )


def delete_transition(
    record: Mapping[str, str], now_ms: int, article_events_ttl_s: int = ARTICLE_EVENTS_TTL_S
) -> Transition:
    """To `removed`, as its author asked (a moderator may still see it, and restore it)."""
    when = now_iso()
    return Transition(
        record=record,
        expected=State(record["state"]),
        new_state=State.REMOVED,
        now_iso=when,
        now_ms=now_ms,
        fields={
            "decided_by": "author",
            "decision": "delete",
            "decision_reason": "deleted by its author",
        },
        audit=_audit(record, "delete", State.REMOVED, when),
        article_events_ttl_s=article_events_ttl_s,
    )
