"""One abuse score per comment: the toxicity model's probability, the listed words found and
the abuse patterns, combined as independent evidence (a noisy-OR), so an insult, a threat or
incitement to self-harm is held even when no listed word is in it.

The model's probability is calibrated already (sigmoid calibration, fitted by the package's
authors); the words and patterns count as fixed probabilities: what share of texts with such
a word or construction a moderator would not publish. A mild word alone stays below any
sensible threshold, so it is held only when the model agrees.
"""

from __future__ import annotations

from services.core.checks.abuse import find_abuse
from services.core.checks.profanity import Profanity
from services.core.checks.signal import Action, Signal
from services.core.checks.terms import Severity
from services.core.checks.toxicity import toxicity_model

WORD_EVIDENCE = {Severity.MILD: 0.3, Severity.STRONG: 0.6, Severity.SLUR: 0.8}
PATTERN_EVIDENCE = 0.99


def abuse_score(content: str, listed: Profanity) -> tuple[float, float, list[str]]:
    """The combined score, the model's own probability, and the patterns that matched."""
    model = toxicity_model().score(content)
    found = find_abuse(content)
    clean = 1.0 - model
    for severity in listed.severities:
        clean *= 1.0 - WORD_EVIDENCE[severity]
    if found:
        clean *= 1.0 - PATTERN_EVIDENCE
    return 1.0 - clean, model, [f"{a.kind}: {a.matched}" for a in found]


def abuse_signal(content: str, listed: Profanity, hold_at: float) -> Signal | None:
    score, model, patterns = abuse_score(content, listed)
    if score < hold_at:
        return None
    why = "; ".join(patterns) or "no pattern"
    return Signal(
        check="abuse",
        action=Action.HOLD,
        score=0.0,  # abuse is not spam: it holds, and leaves the spam score alone
        detail=f"abuse {score:.3f}, at least {hold_at}: toxicity model {model:.3f}, "
        f"{len(listed.words)} listed words, {why}",
        matched=tuple(p.split(": ", 1)[1] for p in patterns),
    )
