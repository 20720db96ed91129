"""Reader reports: what a report weighs, when reports withdraw a published comment from public
view, and which moderator decisions apply to a reported comment.

A report counts with its client's weight: 1, until a moderator dismisses reports the client
made; then each of its later reports weighs half as much (down to `MIN_WEIGHT`) for
`WEIGHT_TTL_S`. A comment is withdrawn (published -> held) once its open reports weigh
`reports_to_withdraw` (a rule) or more, unless a moderator has decided it or dismissed its
reports before: then further reports only bring it back to the reported queue.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from services.core.comment import State, now_iso
from services.core.decisions import RULES, Decision
from services.core.errors import Problem
from services.core.transition import ARTICLE_EVENTS_TTL_S, Transition


class Reason(StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    OFF_TOPIC = "off-topic"
    OTHER = "other"


DISMISSED_WEIGHT_FACTOR = 0.5
"""A dismissal multiplies the weight of each of its reporters' later reports by this."""
MIN_WEIGHT = 0.125
"""No client's report weighs less: three dismissals, and it still counts for an eighth."""
WEIGHT_TTL_S = 90 * 24 * 3600
"""A lowered weight returns to 1 this long after the client's last dismissed report."""
CLOSED_TTL_S = 90 * 24 * 3600
"""A client whose report was closed may not report the same comment again for this long."""
NOTES_KEPT = 50
"""The newest notes kept for a comment's open reports; older ones are dropped."""


class AlreadyReported(Problem):
    status = 409
    title = "Already reported"
    slug = "already-reported"


class NotReportable(Problem):
    status = 409
    title = "Not reportable"
    slug = "not-reportable"


def withdraws(weight: float, threshold: int, withdrawable: bool) -> bool:
    """Whether open reports weighing `weight` take the comment out of public view; a
    threshold of 0 never does."""
    return withdrawable and threshold > 0 and weight >= threshold


def withdrawal(
    record: Mapping[str, str],
    count: int,
    weight: float,
    now_ms: int,
    article_events_ttl_s: int = ARTICLE_EVENTS_TTL_S,
) -> Transition:
    """Published -> held because of `count` reports: nothing learned, audited as the
    readers' doing, and not a moderator's decision (a moderator still decides it)."""
    when = now_iso()
    return Transition(
        record=record,
        expected=State.PUBLISHED,
        new_state=State.HELD,
        now_iso=when,
        now_ms=now_ms,
        fields={"withdrawn_at": when},
        article_events_ttl_s=article_events_ttl_s,
        withdrawal={"count": count},
        audit={
            "at": when,
            "actor": "readers",
            "role": "reader",
            "action": "withdraw",
            "comment_id": record["id"],
            "article_id": record["article_id"],
            "from": State.PUBLISHED.value,
            "to": State.HELD.value,
            "reason": f"{count} reader reports (weight {weight:g})",
        },
    )


def decision_refusal(decision: Decision, record: Mapping[str, str]) -> str | None:
    """Why `decision` does not apply to the comment as it is now; None when it does."""
    state = State(record["state"])
    allowed = set(RULES[decision].applies_to)
    withdrawn = state == State.HELD and bool(record.get("withdrawn_at"))
    if decision == Decision.DISMISS:
        if not record.get("reports_open") or (state == State.HELD and not withdrawn):
            return "The comment has no open reader reports to dismiss."
    elif decision == Decision.REMOVE and withdrawn:
        allowed.add(State.HELD)  # published until readers' reports withdrew it
    if state not in allowed:
        names = ", ".join(sorted(allowed))
        return f"The comment is {state}; {decision} applies to {names} comments."
    return None


def reports_view(open_reports: Mapping[str, str], notes: list[dict[str, Any]]) -> dict[str, Any]:
    """A comment's open reports as moderators see them."""
    reasons = {
        name.removeprefix("reason:"): int(value)
        for name, value in open_reports.items()
        if name.startswith("reason:")
    }
    return {
        "count": int(open_reports.get("count", 0)),
        "weight": float(open_reports.get("weight", 0)),
        "reasons": dict(sorted(reasons.items(), key=lambda item: (-item[1], item[0]))),
        "notes": notes,
        "first_at": open_reports.get("first_at"),
        "last_at": open_reports.get("last_at"),
    }
