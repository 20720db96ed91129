"""Browser-form traps: a hidden field only a bot fills, and a form sent faster than a person can."""

from __future__ import annotations

from services.core.checks.signal import Action, Signal


def check_form(honeypot: str, fill_ms: int | None, min_fill_ms: int) -> list[Signal]:
    signals = []
    if honeypot:
        signals.append(Signal("honeypot", Action.SPAM, 1.0, "the hidden honeypot field is filled"))
    if fill_ms is not None and fill_ms < min_fill_ms:
        signals.append(
            Signal(
                "fill_time",
                Action.SPAM,
                1.0,
                f"the form was sent {fill_ms} ms after it was shown, under {min_fill_ms} ms",
            )
        )
    return signals
