"""Transitions applied in Redis: one Lua script (`transition.lua`) moves a comment from the
state it expects to its new one, with everything that goes with it in the same script: the
state's sets, publication, the author's counts, what the filter learns, the event and the
audit entry.

A transition applies only when the comment is in the state it expects; otherwise it changes
nothing and reports the state it found. So a job that runs twice decides once, and two
moderators deciding one comment at once leave one winner.
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass
from typing import Any

from services.core.comment import State
from services.core.transition import Transition
from services.store import keys
from services.store.scripts import source

EVENTS_MAXLEN = 100_000
"""Approximate length the event stream is trimmed to."""
AUDIT_MAXLEN = 1_000_000
"""Approximate length the audit stream is trimmed to."""
ARTICLE_EVENTS_MAXLEN = 1_000
"""Approximate length of each article's public event stream: how far back a reader who
lost its connection can resume."""
KNOWN_SPAM_TTL = 30 * 24 * 3600
"""How long text a moderator marked spam stays known as spam, in seconds."""

TRANSITION = source("transition.lua")


@dataclass(frozen=True)
class TransitionKeys:
    """The script's KEYS, in the order it names them."""

    comment: str
    left: str
    entered: str
    publication_counter: str
    events: str
    author: str
    learned_spam: str
    learned_ham: str
    learned_totals: str
    audit: str
    known_spam: str
    article_events: str
    article_version: str


@dataclass(frozen=True)
class Outcome:
    """The script's reply."""

    applied: bool
    found: str
    """The state the comment was in ('' when there is no such comment)."""
    decided_by: str
    """Who decided it already, when refused for that."""


def _set_of(state: State, article_id: str) -> str:
    return keys.published(article_id) if state == State.PUBLISHED else keys.state_set(state)


def transition_keys(t: Transition) -> list[str]:
    article_id = t.record["article_id"]
    named = TransitionKeys(
        comment=keys.comment(t.comment_id),
        left=_set_of(t.expected, article_id),
        entered=_set_of(t.new_state, article_id),
        publication_counter=keys.publication_counter(article_id),
        events=keys.EVENTS,
        author=keys.author(t.record.get("email_hash", "")),
        learned_spam=keys.LEARNED_SPAM,
        learned_ham=keys.LEARNED_HAM,
        learned_totals=keys.LEARNED_TOTALS,
        audit=keys.AUDIT,
        known_spam=keys.known_spam(t.record.get("fingerprint", "")),
        article_events=keys.article_events(article_id),
        article_version=keys.article_version(article_id),
    )
    return list(astuple(named))


def transition_args(t: Transition) -> list[str]:
    """The script's one argument: its named arguments, as JSON."""
    event, public = t.event(), t.public_event()
    named: dict[str, Any] = {
        "id": t.comment_id,
        "expected": t.expected.value,
        "new_state": t.new_state.value,
        "verdict": json.dumps(t.verdict) if t.verdict is not None else "",
        "now_iso": t.now_iso,
        "now_ms": t.now_ms,
        "published": t.published,
        "event_type": event["type"] if event else "",
        "event": json.dumps(event) if event else "",
        "events_maxlen": EVENTS_MAXLEN,
        "learn_as": t.learn_as,
        "tokens": list(t.tokens),
        "audit": json.dumps(t.audit) if t.audit else "",
        "known_spam_ttl_s": KNOWN_SPAM_TTL if t.mark_known_spam else 0,
        "fields": t.fields,
        "audit_maxlen": AUDIT_MAXLEN,
        "first_decision": t.first_decision,
        "public_event": json.dumps(public) if public else "",
        "article_events_maxlen": ARTICLE_EVENTS_MAXLEN,
        "article_events_ttl_s": t.article_events_ttl_s,
        # The reader's own comment (services/core/own_comment.py): false checks no revision.
        "revision": t.revision if t.revision is not None else False,
        "cleared": list(t.cleared),
    }
    return [json.dumps(named)]


def outcome(reply: str | bytes) -> Outcome:
    data = json.loads(reply)
    return Outcome(bool(data["applied"]), data["found"], data["decided_by"])
