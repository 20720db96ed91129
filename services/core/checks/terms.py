"""The listed terms as data: each with its source, category and severity.

Two sources: better-profanity's list (whose matching semantics the fast matcher keeps) and
the LDNOOBW lists (Shutterstock, CC BY 4.0: services/core/data/ldnoobw/NOTICE), English by
default, other languages by the rules. Categories and severities are in
services/core/data/term-severity.tsv; a term not named there is strong profanity.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path

from services.core.checks.profanity_words import default_words

DATA = Path(__file__).resolve().parent.parent / "data"
LANGUAGES = ("ar", "de", "en", "es", "fr", "it", "nl", "pt")
"""The LDNOOBW languages shipped."""


class Severity(StrEnum):
    MILD = "mild"
    """Adds to the score; masked under the censor policy."""
    STRONG = "strong"
    """The profanity policy: hold, censor or reject."""
    SLUR = "slur"
    """The slur policy: hold or reject."""


@dataclass(frozen=True)
class Term:
    text: str
    category: str
    severity: Severity
    source: str


@cache
def _severities() -> dict[str, tuple[str, Severity]]:
    table: dict[str, tuple[str, Severity]] = {}
    for line in (DATA / "term-severity.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            term, category, severity = line.split("\t")
            table[term.lower()] = (category, Severity(severity))
    return table


def describe(term: str, source: str) -> Term:
    category, severity = _severities().get(term.lower(), ("profanity", Severity.STRONG))
    return Term(term.lower(), category, severity, source)


def ldnoobw_words(language: str) -> list[str]:
    if language not in LANGUAGES:
        raise ValueError(f"no LDNOOBW list for {language!r}")
    lines = (DATA / "ldnoobw" / language).read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


@lru_cache(maxsize=8)
def listed_terms(languages: tuple[str, ...], allowlist: tuple[str, ...]) -> dict[str, Term]:
    """Every listed term, lower-cased, less the allowlist: better-profanity's first."""
    allowed = {w.lower() for w in allowlist}
    terms: dict[str, Term] = {}
    sources = [("better-profanity", default_words())]
    sources += [(f"ldnoobw-{lang}", ldnoobw_words(lang)) for lang in languages]
    for source, words in sources:
        for word in words:
            if word.lower() not in allowed:
                terms.setdefault(word.lower(), describe(word, source))
    return terms


@cache
def ordinary_words() -> frozenset[str]:
    """English words that begin or end with a listed term (`peacock`, `assess`): see
    scripts/export_ordinary_words.py."""
    lines = (DATA / "ordinary-words.txt").read_text("utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))
