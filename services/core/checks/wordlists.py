"""The operator's word lists: "disallowed" words mark a comment spam, "moderation" words hold
it. Matched as whole words or phrases, ignoring case, in the content, author name and URL."""

from __future__ import annotations

import re
from functools import lru_cache

from services.core.checks.signal import Action, Signal
from services.core.text import for_matching


@lru_cache(maxsize=16)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    phrases = sorted({w.strip().casefold() for w in words if w.strip()}, key=len, reverse=True)
    if not phrases:
        return None
    body = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def find_words(words: tuple[str, ...], *texts: str) -> list[str]:
    pattern = _pattern(words)
    if pattern is None:
        return []
    found: dict[str, None] = {}
    for text in texts:
        for variant in {text, for_matching(text).text}:
            for match in pattern.finditer(variant):
                found.setdefault(" ".join(match.group().split()).casefold(), None)
    return list(found)


def check_word_lists(
    disallowed: tuple[str, ...], moderation: tuple[str, ...], *texts: str
) -> list[Signal]:
    signals = []
    if found := find_words(disallowed, *texts):
        signals.append(
            Signal("disallowed_words", Action.SPAM, 1.0, "a disallowed word", tuple(found))
        )
    if found := find_words(moderation, *texts):
        signals.append(
            Signal("moderation_words", Action.HOLD, 0.0, "a moderation word", tuple(found))
        )
    return signals
