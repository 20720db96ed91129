"""The moderation rules an operator sets: word lists, limits, policies and thresholds."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any


def _read_word_file(name: str) -> tuple[str, ...]:
    lines = (Path(__file__).parent / "data" / name).read_text().splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


NEWSROOM_ALLOWLIST = _read_word_file("profanity-allowlist.txt")


class ProfanityPolicy(StrEnum):
    HOLD = "hold"
    """Hold for a moderator."""
    CENSOR = "censor"
    """Publish with the words masked (the default)."""
    REJECT = "reject"


class Premoderation(StrEnum):
    """Which comments wait for a moderator whatever the checks say (articles and rules)."""

    NONE = "none"
    """None: the verdict decides (the default)."""
    FIRST_TIME = "first-time"
    """An author with no published comment yet (WordPress's "comment author must have a
    previously approved comment")."""
    ALL = "all"


class SlurPolicy(StrEnum):
    HOLD = "hold"
    """Hold for a moderator (the default)."""
    REJECT = "reject"


@dataclass(frozen=True)
class Rules:
    profanity_policy: ProfanityPolicy = ProfanityPolicy.CENSOR
    """What a comment with a listed strong profane word gets. By default it is published with
    the words masked, as most comment systems offer: swearing in an otherwise fine comment
    is not a reason to keep a reader waiting for a person. Slurs follow `slur_policy`, abuse
    aimed at a person holds (`abuse_hold_score`), and a profane author name is held."""

    profanity_allowlist: tuple[str, ...] = field(default_factory=lambda: NEWSROOM_ALLOWLIST)
    """Words taken off better-profanity's list: by default its everyday news vocabulary
    (services/core/data/profanity-allowlist.txt: "murder", "stroke", "god", ...)."""

    slur_policy: SlurPolicy = SlurPolicy.HOLD
    """What a comment with a listed slur gets: held or rejected. Strong profanity follows
    `profanity_policy`; mild words (services/core/data/term-severity.tsv) add to the score
    and are masked under the censor policy."""

    profanity_languages: tuple[str, ...] = ("en",)
    """The LDNOOBW lists matched besides better-profanity's: any of ar, de, en, es, fr, it,
    nl, pt."""

    abuse_hold_score: float = 0.97
    """Abuse (the toxicity model's probability combined with listed words and with patterns
    of insults, threats and incitement to self-harm aimed at a person) at or above this holds
    a comment, even without a listed word."""

    link_limit: int = 2
    """More links than this in a comment hold it (WordPress's default is 2)."""

    blocked_domains: tuple[str, ...] = ()
    """A link to one of these domains, or a subdomain, marks the comment spam."""

    disallowed_words: tuple[str, ...] = ()
    """Words or phrases that mark a comment spam, matched in content, author name and URL."""

    moderation_words: tuple[str, ...] = ()
    """Words or phrases that hold a comment, matched in content, author name and URL."""

    hold_score: float = 0.5
    """A spam score at or above this holds the comment, once the filter has learned."""

    cold_hold_score: float = 0.25
    """The hold threshold while the filter has learned nothing: it rises to `hold_score` as
    the filter learns, so a new site holds what it is unsure of."""

    spam_score: float = 0.99
    """A spam score at or above this marks the comment spam: near-certainty only."""

    audit_rate: float = 0.02
    """The share of comments the verdict would publish or mark spam that are held instead,
    picked at random, so moderators keep teaching the filter both kinds."""

    min_fill_ms: int = 2500
    """A browser form sent sooner than this after it was shown is a bot's."""

    duplicate_spread: int = 3
    """The same content from this many article/author pairs within the window is spam."""

    duplicate_window_s: int = 86400
    """The window for `duplicate_spread`, in seconds."""

    duplicate_min_chars: int = 30
    """Shorter texts are not counted for `duplicate_spread`: many people write "Great article!"."""

    # Articles (h15-articles): the site-wide defaults an article's own settings override.
    premoderation: Premoderation = Premoderation.NONE
    """Which comments are held for a moderator whatever the checks say: none, first-time
    authors, or all."""

    close_after_days: int | None = None
    """Comments close this many days after an article's `published_at` (None: never)."""

    reports_to_withdraw: int = 3
    """Reader reports from this many distinct clients (each weighted:
    services/core/report_policy.py) take a published comment out of public view, held until a
    moderator decides; 0: never."""

    def as_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rules:
        types = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, value in data.items():
            kind = types.get(name)
            if kind is None:
                continue
            if isinstance(value, list):
                value = tuple(value)
            elif kind == "int":
                value = int(value)  # JSON may say 2.0
            elif kind == "float":
                value = float(value)
            values[name] = value
        if "profanity_policy" in values:
            values["profanity_policy"] = ProfanityPolicy(values["profanity_policy"])
        if "slur_policy" in values:
            values["slur_policy"] = SlurPolicy(values["slur_policy"])
        if "premoderation" in values:
            values["premoderation"] = Premoderation(values["premoderation"])
        if values.get("close_after_days") is not None:
            values["close_after_days"] = int(values["close_after_days"])  # JSON may say 30.0
        return cls(**values)
