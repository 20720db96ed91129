"""From signals to one verdict: the final state, the spam score, and every reason."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from services.core.checks.signal import Action, Signal
from services.core.checks.spam_heuristics import noisy_or
from services.core.comment import State
from services.core.learning import NOTHING_LEARNED, Learned, Reputation, blend
from services.core.rules import Rules


@dataclass(frozen=True)
class Verdict:
    state: State
    spam_score: float
    signals: tuple[Signal, ...]

    @property
    def censor(self) -> bool:
        return self.state == State.PUBLISHED and any(
            s.action == Action.CENSOR for s in self.signals
        )

    def reasons(self) -> list[dict[str, Any]]:
        return [s.as_reason() for s in self.signals]

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state.value, "spam_score": self.spam_score, "reasons": self.reasons()}


def audited(comment_id: str, rate: float) -> bool:
    """Whether this comment is in the audit sample: random, but the same on every run."""
    draw = int(hashlib.sha256(comment_id.encode()).hexdigest()[:8], 16) / 2**32
    return draw < rate


def decide(
    signals: list[Signal],
    rules: Rules,
    learned: Learned = NOTHING_LEARNED,
    reputation: Reputation | None = None,
    audit: bool = False,
    trusted: bool = False,
) -> Verdict:
    """Spam beats rejection beats holding beats publishing.

    The spam score is the checks' score blended with the learned filter's (by how much it
    has learned) and moved by the author's reputation. It marks spam only at near-certainty
    (`rules.spam_score`); short of it, it holds for a person to look, and the hold threshold
    is lower while the filter knows little. `audit` holds a verdict that would publish or
    mark spam on the score alone, so moderators see a sample of them. For a `trusted`
    commenter the score neither holds nor marks spam and no audit sample is drawn: only the
    checks' own actions (a ban, a disallowed word, a rule's hold) count.
    """
    signals = list(signals)
    checks_score = noisy_or(s.score for s in signals if s.action == Action.SCORE)
    shift, why = (reputation.shift() if reputation else None) or (0.0, "")
    score = blend(checks_score, learned, shift)
    if learned.weight:
        signals.append(_learned_signal(learned, checks_score))
    if why:
        signals.append(Signal("reputation", Action.SCORE, shift, f"the author has {why}"))
    actions = {s.action for s in signals if s.check != "learned" and s.check != "reputation"}
    hold_at = rules.cold_hold_score + (rules.hold_score - rules.cold_hold_score) * learned.weight
    # A rule that asks for a person (too many links, a word to check) is overruled only by
    # the checks themselves or by a filter this site's moderators taught, never by a prior
    # learned elsewhere alone (see `Learned.settled`): a news site's sources are not spam.
    sure = score >= rules.spam_score and (
        Action.HOLD not in actions
        or learned.settled
        or not learned.weight
        or checks_score >= rules.spam_score
    )
    scored = not trusted  # a moderator vouched for the author (services/core/premoderation.py)
    if Action.SPAM in actions or (sure and scored):
        state = State.SPAM
    elif Action.REJECT in actions:
        state = State.REJECTED
    elif Action.HOLD in actions or (score >= hold_at and scored):
        state = State.HELD
    else:
        state = State.PUBLISHED
    if (
        audit
        and scored
        and (state == State.PUBLISHED or (state == State.SPAM and Action.SPAM not in actions))
    ):
        signals.append(
            Signal(
                "audit", Action.HOLD, 0.0, f"picked at random for a moderator to check ({state})"
            )
        )
        state = State.HELD
    return Verdict(state, round(score, 4), tuple(signals))


def _learned_signal(learned: Learned, checks_score: float) -> Signal:
    """What the filter said, for the reasons a moderator reads: its score, how much it
    counted, and its strongest tokens."""
    top = ", ".join(f"{token} {f:.2f}" for token, f in learned.clues[:5])
    return Signal(
        "learned",
        Action.SCORE,
        learned.score,
        f"the filter, learned from moderators, says {learned.score:.2f}; it counts "
        f"{learned.weight:.0%} against the checks' {checks_score:.2f}"
        f"{'' if learned.settled else ' (mostly from its prior)'}"
        f". Strongest: {top}",
        tuple(token for token, _ in learned.clues),
    )
