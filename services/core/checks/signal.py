"""What a check reports: which check, what it asks for, what matched, and a score."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    """What a signal asks of the verdict, weakest first."""

    SCORE = "score"
    """Nothing by itself: its score joins the spam score."""
    HOLD = "hold"
    CENSOR = "censor"
    """Publish, with the matched words masked."""
    REJECT = "reject"
    SPAM = "spam"


@dataclass(frozen=True)
class Signal:
    check: str
    action: Action
    score: float
    """How strongly this points at spam, from 0 to 1."""
    detail: str
    matched: tuple[str, ...] = field(default=())

    def as_reason(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "action": self.action.value,
            "score": round(self.score, 3),
            "detail": self.detail,
            "matched": list(self.matched),
        }
