"""Pre-moderation and trusted commenters: what they add to a comment's verdict, and why."""

from __future__ import annotations

from services.core.checks.signal import Action, Signal
from services.core.learning import Reputation
from services.core.rules import Premoderation

TRUSTED = Signal(
    "trusted",
    Action.SCORE,
    0.0,
    "trusted commenter: holds from scores and pre-moderation are skipped",
)


def premoderation_signals(
    mode: Premoderation, history: Reputation, trusted: bool, article_set: bool
) -> list[Signal]:
    """A hold when `mode` asks for one (`article_set`: the article's own setting, not the
    site's), or the trusted mark instead; nothing under `none`."""
    if trusted:
        return [TRUSTED]
    where = "this article" if article_set else "the site"
    if mode == Premoderation.ALL:
        return [_hold(f"pre-moderation: {where} holds every comment")]
    if mode == Premoderation.FIRST_TIME and not history.published:
        return [
            _hold("pre-moderation: first-time author", f"{where} holds authors' first comments")
        ]
    return []


def _hold(detail: str, why: str = "") -> Signal:
    return Signal("premoderation", Action.HOLD, 0.0, f"{detail} ({why})" if why else detail)
