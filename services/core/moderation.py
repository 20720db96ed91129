"""Moderating one comment record with the pure checks: signals, then what gets published."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from services.core.checks.abuse_score import abuse_signal
from services.core.checks.evasion import EvasionMatcher
from services.core.checks.form import check_form
from services.core.checks.links import check_links, find_links
from services.core.checks.profanity import NONE as NO_PROFANITY
from services.core.checks.profanity import Profanity, censor, find_profanity, profanity_signal
from services.core.checks.profanity_words import ProfanityMatcher, default_words
from services.core.checks.signal import Action, Signal
from services.core.checks.spam_heuristics import spam_signs
from services.core.checks.terms import Severity, listed_terms, ordinary_words
from services.core.checks.toxicity import toxicity_model
from services.core.checks.wordlists import check_word_lists
from services.core.masking import mask_emails
from services.core.near_dup import bands
from services.core.render import render_html
from services.core.rules import ProfanityPolicy, Rules


@dataclass(frozen=True)
class Assessment:
    signals: list[Signal]
    content_profanity: Profanity
    name_profanity: Profanity
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds each check took."""


@lru_cache(maxsize=4)
def profanity_matcher(allowlist: tuple[str, ...] = ()) -> ProfanityMatcher:
    """better-profanity's list less the allowlist, built once per process and allowlist."""
    return ProfanityMatcher(default_words(), allowlist)


@lru_cache(maxsize=4)
def evasion_matcher(languages: tuple[str, ...], allowlist: tuple[str, ...]) -> EvasionMatcher:
    """Both lists (LDNOOBW in `languages`) less the allowlist, with the dictionary and the
    toxicity model's vocabulary as the known words, built once per process and rules."""
    terms = listed_terms(languages, allowlist)
    return EvasionMatcher(terms, ordinary_words(), toxicity_model().known_words, allowlist)


def _abuse(content: str, listed: Profanity, rules: Rules) -> Signal | None:
    """Abuse in the text as readers would see it. Under `censor` the listed words are masked,
    so a comment the toxicity model finds abusive only for them ("holy shit, 2 billion views")
    is judged again with them masked; one aimed at a person (an abuse pattern matched in the
    text as written) or holding a slur stays held."""
    signal = abuse_signal(content, listed, rules.abuse_hold_score)
    if (
        signal is None
        or signal.matched
        or rules.profanity_policy != ProfanityPolicy.CENSOR
        or not listed.spans
        or Severity.SLUR in listed.severities
    ):
        return signal
    return abuse_signal(censor(content, listed.spans), NO_PROFANITY, rules.abuse_hold_score)


def prepare(rules: Rules) -> None:
    """Build the word lists' matchers and load the toxicity model now, not on the first job."""
    profanity_matcher(rules.profanity_allowlist)
    evasion_matcher(rules.profanity_languages, rules.profanity_allowlist)


def assess(record: Mapping[str, str], rules: Rules) -> Assessment:
    content, name, url = record["content"], record["author_name"], record.get("author_url", "")
    timings: dict[str, float] = {}
    clock = _Clock(timings)
    matcher = profanity_matcher(rules.profanity_allowlist)
    evasions = evasion_matcher(rules.profanity_languages, rules.profanity_allowlist)
    in_content = find_profanity(content, matcher, evasions)
    in_name = find_profanity(name, matcher, evasions)
    signals: list[Signal] = []
    policies = (rules.profanity_policy, rules.slur_policy)
    if signal := profanity_signal("content", in_content, *policies):
        signals.append(signal)
    # A name cannot be published half-masked: a profane one is held when the policy censors.
    name_policy = (
        ProfanityPolicy.HOLD
        if rules.profanity_policy == ProfanityPolicy.CENSOR
        else rules.profanity_policy
    )
    if signal := profanity_signal("author name", in_name, name_policy, rules.slur_policy):
        signals.append(signal)
    clock.lap("profanity")
    if signal := _abuse(content, in_content, rules):
        signals.append(signal)
    clock.lap("abuse")
    links = find_links(content)
    signals += check_links(content, links, url, rules)
    clock.lap("links")
    signals += check_word_lists(rules.disallowed_words, rules.moderation_words, content, name, url)
    clock.lap("word_lists")
    fill_ms = record.get("fill_ms")
    signals += check_form(
        record.get("honeypot", ""), int(fill_ms) if fill_ms else None, rules.min_fill_ms
    )
    clock.lap("form")
    signals += spam_signs(content, name, url, links)
    clock.lap("spam_signs")
    return Assessment(signals, in_content, in_name, timings)


class _Clock:
    """Seconds spent in each check, for the metrics."""

    def __init__(self, laps: dict[str, float]) -> None:
        self.laps = laps
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self.last
        self.last = now


def counts_for_spread(content: str, rules: Rules) -> bool:
    """Whether this content is long enough to count towards `rules.duplicate_spread`."""
    return len(" ".join(content.split())) >= rules.duplicate_min_chars


PROMOTION = frozenset(
    f"spam:{sign}"
    for sign in (
        "self_promotion", "subscribe", "call_to_action", "appeal", "commercial", "contact",
        "money", "shortener", "link_only", "domain", "author_name",
    )
)  # fmt: skip
"""Signs that a text promotes something: copies of it from many authors are a campaign. A
link alone is not one of them (readers share links to the story they discuss)."""
LINKED_OR_PROMOTING = PROMOTION | {"spam:link"}


def spread_bands(content: str, fingerprint: str, signals: Sequence[Signal]) -> list[str]:
    """What a comment is indexed by for `duplicate_spread`: a text that promotes something or
    links gets its near-duplicate bands (services.core.near_dup), since only its copies can
    make a campaign; any other text, its exact fingerprint (the cheap look-up that finds one
    author pasting it across articles, or the same bare links sent again and again)."""
    if {s.check for s in signals} & LINKED_OR_PROMOTING and (found := bands(content)):
        return found
    return [f"exact:{fingerprint}"]  # also a text that is nothing but links


def spread_signal(
    pairs: int, authors: int, signals: Sequence[Signal], rules: Rules
) -> Signal | None:
    """The same or nearly the same content (services.core.near_dup) from `pairs`
    article/author pairs, `authors` of them distinct, within the window. From
    `rules.duplicate_spread` pairs on: spam when it promotes something (a campaign) or when
    one author pastes it across articles; held when it only shares a link; nothing when
    different readers happen to write the same thing ("Rest in peace ...")."""
    if pairs < rules.duplicate_spread:
        return None
    checks = {s.check for s in signals}
    where = (
        f"from {pairs} article/author pairs ({authors} authors) within {rules.duplicate_window_s} s"
    )
    if checks & PROMOTION:
        detail = f"a campaign: the same or nearly the same promotional text {where}"
        return Signal(
            "duplicate_spread", Action.SPAM, 1.0, detail, tuple(sorted(checks & PROMOTION))
        )
    if authors == 1:
        return Signal(
            "duplicate_spread", Action.SPAM, 1.0, f"one author pasted the same text {where}"
        )
    if "spam:link" in checks:
        return Signal("duplicate_spread", Action.HOLD, 0.0, f"the same link and text {where}")
    return None


def published_fields(
    record: Mapping[str, str], censor_spans: tuple[tuple[int, int], ...] = ()
) -> dict[str, str]:
    """The content, author name and URL as readers will see them: every email address
    masked, and the profanity at `censor_spans` masked when the verdict says to censor."""
    content = censor(record["content"], censor_spans) if censor_spans else record["content"]
    published = mask_emails(content)
    return {
        "published_content": published,
        "published_html": render_html(published),
        "published_name": mask_emails(record["author_name"]),
        "published_url": mask_emails(record.get("author_url", "")),
    }
