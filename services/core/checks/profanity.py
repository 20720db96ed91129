"""The profanity check: better-profanity's list and semantics, on the text as written and on
its normalised forms, so `Ｆ.U.С.K`, `sh!t` and `fuuuck` are found as `fuck` and `shit` are;
then the second matcher (services/core/checks/evasion.py) over both lists for the disguises
those semantics miss. Each word found carries its term's severity, which decides the action."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.core.checks.evasion import EvasionMatcher
from services.core.checks.evasion_text import is_name
from services.core.checks.profanity_words import CENSORED, ProfanityMatcher
from services.core.checks.signal import Action, Signal
from services.core.checks.terms import Severity, Term
from services.core.rules import ProfanityPolicy, SlurPolicy
from services.core.text import Normalized, fold, for_matching, has_runs, squeeze_runs

MILD_SCORE = 0.15
"""What a mild word adds to the score: alone it holds nothing."""


@dataclass(frozen=True)
class Profanity:
    spans: tuple[tuple[int, int], ...]
    """Where listed words are in the original text: half-open, sorted, not overlapping."""
    words: tuple[str, ...]
    """The original text of each span."""
    severities: frozenset[Severity] = field(default=frozenset())
    """The severities of the terms found."""


def find_profanity(
    text: str, matcher: ProfanityMatcher, evasions: EvasionMatcher | None = None
) -> Profanity:
    """better-profanity's words (as `_find`), and with `evasions`, the disguised ones too,
    less name-like terms written as names."""
    found: list[tuple[int, int, Term]] = []
    if _may_contain(text, matcher):  # else, the common case, one regular expression pass
        spans = _find(text, matcher).spans
        found += [(a, b, _term_of(text[a:b], evasions)) for a, b in spans]
    if evasions is not None:
        found += [(h.start, h.end, h.term) for h in evasions.find(text)]
        # Not a word: a number read as leetspeak (`455`, better-profanity's issue #52), a
        # name-like term written as a name (`Dick Cheney`).
        found = [f for f in found if _has_letter(text[f[0] : f[1]]) and not is_name(text, *f)]
    if not found:
        return NONE
    merged = _merge([(a, b) for a, b, _ in found])
    severities = frozenset(term.severity for _, _, term in found)
    return Profanity(tuple(merged), tuple(text[a:b] for a, b in merged), severities)


def _has_letter(word: str) -> bool:
    return any(c.isalpha() for c in word)


def _term_of(word: str, evasions: EvasionMatcher | None) -> Term:
    if evasions is not None and (term := evasions.term_of(word)):
        return term
    return Term(word.lower(), "profanity", Severity.STRONG, "better-profanity")


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


def profanity_signal(
    where: str, found: Profanity, policy: ProfanityPolicy, slurs: SlurPolicy = SlurPolicy.HOLD
) -> Signal | None:
    """The strictest action the severities found ask for: a slur the slur policy, strong
    profanity the profanity policy, a mild word a score (or masking, under censor)."""
    if not found.spans:
        return None
    actions = {Action.CENSOR if policy == ProfanityPolicy.CENSOR else Action.SCORE}
    if Severity.STRONG in found.severities:
        actions.add(Action(policy.value))
    if Severity.SLUR in found.severities:
        actions.add(Action(slurs.value))
    action = max(actions, key=_STRICTNESS.index)
    count = len(found.words)
    kinds = ", ".join(s.value for s in Severity if s in found.severities)
    return Signal(
        check="profanity",
        action=action,
        score=MILD_SCORE if action == Action.SCORE else 0.0,
        detail=f"{count} listed word{'s' * (count != 1)} ({kinds}) in the {where}; "
        f"policy: {action.value}",
        matched=found.words,
    )


_STRICTNESS = [Action.SCORE, Action.CENSOR, Action.HOLD, Action.REJECT]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
