"""Moderator decisions: which states each one applies to, where it moves the comment, what
the filter learns from it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from services.core.comment import State, now_iso
from services.core.learning import features
from services.core.moderation import published_fields
from services.core.transition import ARTICLE_EVENTS_TTL_S, Transition


class Decision(StrEnum):
    APPROVE = "approve"
    """Publish: genuine."""
    HAM = "ham"
    """Not spam after all: publish, and teach the filter so."""
    SPAM = "spam"
    """Spam: unpublish if published, teach the filter, remember the text."""
    REJECT = "reject"
    """Not for publication (off-topic, abusive), though not spam."""
    REMOVE = "remove"
    """Take a published comment down (or one reader reports withdrew)."""
    DISMISS = "dismiss"
    """Readers' reports were unfounded: close them; a withdrawn comment is published again
    (services/core/report_policy.py)."""


@dataclass(frozen=True)
class Rule:
    applies_to: frozenset[State]
    moves_to: State
    learn_as: str


RULES: dict[Decision, Rule] = {
    Decision.APPROVE: Rule(frozenset({State.HELD, State.SPAM, State.REJECTED, State.REMOVED}),
                           State.PUBLISHED, "ham"),
    Decision.HAM: Rule(frozenset({State.HELD, State.SPAM}), State.PUBLISHED, "ham"),
    Decision.SPAM: Rule(frozenset({State.HELD, State.PUBLISHED, State.REJECTED, State.REMOVED}),
                        State.SPAM, "spam"),
    Decision.REJECT: Rule(frozenset({State.HELD, State.PUBLISHED, State.SPAM}), State.REJECTED, ""),
    Decision.REMOVE: Rule(frozenset({State.PUBLISHED}), State.REMOVED, ""),
    # Only for comments with open reports (services/core/report_policy.py `decision_refusal`).
    Decision.DISMISS: Rule(frozenset({State.HELD, State.PUBLISHED}), State.PUBLISHED, "ham"),
}  # fmt: skip


def tokens_of(record: Mapping[str, str]) -> tuple[str, ...]:
    """The filter's tokens for a stored comment: the same on every call, so what one decision
    taught can be untaught by the next."""
    checks = [c for c in record.get("checks", "").split(",") if c]
    return tuple(
        features(record["content"], record["author_name"], record.get("author_url", ""), checks)
    )


def decision_transition(
    record: Mapping[str, str],
    decision: Decision,
    actor: str,
    role: str,
    reason: str,
    now_ms: int,
    first_decision: bool = False,
    article_events_ttl_s: int = ARTICLE_EVENTS_TTL_S,
) -> Transition:
    """The transition for `decision` on `record`, which must be in a state it applies to."""
    rule = RULES[decision]
    state = State(record["state"])
    when = now_iso()
    return Transition(
        record=record,
        expected=state,
        new_state=rule.moves_to,
        now_iso=when,
        now_ms=now_ms,
        published=published_fields(record) if rule.moves_to == State.PUBLISHED else {},
        learn_as=rule.learn_as,
        tokens=tokens_of(record) if rule.learn_as else (),
        mark_known_spam=decision == Decision.SPAM,
        first_decision=first_decision,
        article_events_ttl_s=article_events_ttl_s,
        revision=record.get("revision", ""),  # refused if its author edited it since read
        fields={"decided_by": actor, "decision": decision.value, "decision_reason": reason},
        audit={
            "at": when,
            "actor": actor,
            "role": role,
            "action": decision.value,
            "comment_id": record["id"],
            "article_id": record["article_id"],
            "from": state.value,
            "to": rule.moves_to.value,
            "reason": reason,
        },
    )
