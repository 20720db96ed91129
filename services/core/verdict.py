"""From signals to one verdict: the final state, the spam score, and every reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.core.checks.signal import Action, Signal
from services.core.checks.spam_heuristics import noisy_or
from services.core.comment import State
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


def decide(signals: list[Signal], rules: Rules) -> Verdict:
    """Spam beats rejection beats holding beats publishing. A spam score only marks spam at
    near-certainty (`rules.spam_score`); short of it, it holds for a person to look."""
    score = noisy_or(s.score for s in signals if s.action == Action.SCORE)
    actions = {s.action for s in signals}
    if Action.SPAM in actions or score >= rules.spam_score:
        state = State.SPAM
    elif Action.REJECT in actions:
        state = State.REJECTED
    elif Action.HOLD in actions or score >= rules.hold_score:
        state = State.HELD
    else:
        state = State.PUBLISHED
    return Verdict(state, round(score, 4), tuple(signals))
