"""Moderating one comment record with the pure checks: signals, then what gets published."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from services.core.checks.abuse_score import abuse_signal
from services.core.checks.evasion import EvasionMatcher
from services.core.checks.form import check_form
from services.core.checks.links import check_links, find_links
from services.core.checks.profanity import Profanity, censor, find_profanity, profanity_signal
from services.core.checks.profanity_words import ProfanityMatcher, default_words
from services.core.checks.signal import Action, Signal
from services.core.checks.spam_heuristics import spam_signs
from services.core.checks.terms import listed_terms, ordinary_words
from services.core.checks.toxicity import toxicity_model
from services.core.checks.wordlists import check_word_lists
from services.core.masking import mask_emails
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
    if signal := abuse_signal(content, in_content, rules.abuse_hold_score):
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


def spread_signal(count: int, rules: Rules) -> Signal | None:
    """The same content from `count` article/author pairs within the window: spam from
    `rules.duplicate_spread` on."""
    if count < rules.duplicate_spread:
        return None
    return Signal(
        check="duplicate_spread",
        action=Action.SPAM,
        score=1.0,
        detail=f"the same content came from {count} article/author pairs "
        f"within {rules.duplicate_window_s} s",
    )


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
