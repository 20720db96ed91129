"""The profanity check: better-profanity's list and semantics, on the text as written and on
its normalised forms, so `Ｆ.U.С.K`, `sh!t` and `fuuuck` are found as `fuck` and `shit` are."""

from __future__ import annotations

from dataclasses import dataclass

from services.core.checks.profanity_words import CENSORED, ProfanityMatcher
from services.core.checks.signal import Action, Signal
from services.core.rules import ProfanityPolicy
from services.core.text import Normalized, fold, for_matching, has_runs, squeeze_runs


@dataclass(frozen=True)
class Profanity:
    spans: tuple[tuple[int, int], ...]
    """Where listed words are in the original text: half-open, sorted, not overlapping."""
    words: tuple[str, ...]
    """The original text of each span."""


def find_profanity(text: str, matcher: ProfanityMatcher) -> Profanity:
    if not _may_contain(text, matcher):
        return NONE  # the common case: one regular expression pass, nothing to look at
    return _find(text, matcher)


def _find(text: str, matcher: ProfanityMatcher) -> Profanity:
    spans: list[tuple[int, int]] = []
    scan = matcher.scan(text)
    if scan.profane:
        spans.extend((m.start, m.end) for m in scan.matches)
    normalized = for_matching(text)
    variants: dict[str, Normalized] = {}
    for variant in (normalized, squeeze_runs(normalized, 1), squeeze_runs(normalized, 2)):
        if variant.text != text:
            variants.setdefault(variant.text, variant)
    for variant in variants.values():
        found = matcher.scan(variant.text)
        if found.profane:
            spans.extend(variant.span_in_original(m.start, m.end) for m in found.matches)
    merged = _merge(spans)
    return Profanity(tuple(merged), tuple(text[a:b] for a, b in merged))


NONE = Profanity((), ())


def _may_contain(text: str, matcher: ProfanityMatcher) -> bool:
    """False when no form `find_profanity` looks at can hold a listed word: the text, its
    folded form (with spaced letters joined, which the test allows for) and, when a letter
    runs three times, the folded form with runs cut. (Runs inside spaced-out letters,
    `f u u u c k`, slip through this test: the price of not joining letters here.)"""
    folded = fold(text)
    if matcher.may_contain(folded) or (folded != text and matcher.may_contain(text)):
        return True
    if has_runs(folded):
        unmapped = Normalized(folded, list)  # the map back is not needed for a yes or no
        return any(matcher.may_contain(squeeze_runs(unmapped, keep).text) for keep in (1, 2))
    return False


def censor(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """Each span replaced by better-profanity's four censor characters."""
    out, position = [], 0
    for start, end in spans:
        out += [text[position:start], CENSORED]
        position = end
    out.append(text[position:])
    return "".join(out)


def profanity_signal(where: str, found: Profanity, policy: ProfanityPolicy) -> Signal | None:
    if not found.spans:
        return None
    count = len(found.words)
    return Signal(
        check="profanity",
        action=Action(policy.value),
        score=0.0,
        detail=f"{count} listed word{'s' * (count != 1)} in the {where}; policy: {policy.value}",
        matched=found.words,
    )


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
