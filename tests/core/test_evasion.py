"""The second matcher: each disguise found, one form at a time, and ordinary words left alone."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from services.core.checks.terms import DATA, Severity
from services.core.moderation import evasion_matcher
from services.core.rules import Rules


def found(text: str, languages: tuple[str, ...] = ("en",)) -> list[tuple[str, str]]:
    rules = Rules()
    matcher = evasion_matcher(languages, rules.profanity_allowlist)
    return [(text[h.start : h.end], h.term.text) for h in matcher.find(text)]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("what a f*cking mess", "f*cking"),  # masked letter
        ("f-ck that", "f-ck"),  # masked letter as a hyphen
        ("oh f**k", "f**k"),  # two masks
        ("a real motherf***er", "motherf***er"),
        ("ƒuck it", "ƒuck"),  # UTS #39: f with a hook is f
        ("ᖴᑌᑕK it", "ᖴᑌᑕK"),  # syllabics for F and U, a symbol standing for a letter
        ("sh\u200bi\u2060t happens", "sh\u200bi\u2060t"),  # default-ignorables
        ("total c\U000e0101unt", "c\U000e0101unt"),  # a variation selector
        ("$h1t happens", "$h1t"),  # leetspeak
        ("you a55hole", "a55hole"),
        ("b_i_t_c_h please", "b_i_t_c_h"),  # separators
        ("b i t c h please", "b i t c h"),
        ("fuuuuuck", "fuuuuuck"),  # repeated letters
        ("fuckyou all", "fuckyou"),  # joined words (better-profanity issue #18)
        ("shut up cuntface", "cuntface"),
        ("xfuck off", "xfuck"),  # a prefixed letter (issue #45)
        ("some fucktrumpet wrote this", "fucktrumpet"),
    ],
)
def test_each_disguise_is_found(text: str, word: str) -> None:
    assert word in [w for w, _ in found(text)], found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe", "Cockburn", "shiitake", "assess", "Dickens", "cocktail", "peacock",
        "shuttlecocks", "spicy", "spices", "cumin", "tithe", "title", "classes", "the 455 bus",
        "e-mail", "co-op", "well-known", "U.S.", "Hell yeah", "he'll call", "gud ni8 :-)",
        "&lt;#&gt;", "title.so", "westshore", "blogspot", "*** note ***", "I'm *sure*",
        "ты заколебал меня", "noob", "x-ray", "t-shirt", "$5", "3pm",
    ],
)  # fmt: skip
def test_ordinary_words_are_left_alone(text: str) -> None:
    assert found(text) == [], text


def test_a_name_like_term_written_as_a_name_is_not_counted() -> None:
    from services.core.checks.profanity import find_profanity
    from services.core.moderation import profanity_matcher

    rules = Rules()
    matchers = (
        profanity_matcher(rules.profanity_allowlist),
        evasion_matcher(rules.profanity_languages, rules.profanity_allowlist),
    )
    assert find_profanity("Dick Cheney said so", *matchers).words == ()
    assert find_profanity("what a dick", *matchers).words == ("dick",)


def test_other_languages_are_chosen_in_the_rules() -> None:
    assert found("quelle connasse") == []
    assert found("quelle connasse", ("en", "fr")) == [("connasse", "connasse")]


def test_terms_carry_their_severity() -> None:
    matcher = evasion_matcher(("en",), Rules().profanity_allowlist)
    assert matcher.terms["wop"].severity == Severity.SLUR
    assert matcher.terms["turd"].severity == Severity.MILD
    assert matcher.terms["fuck"].severity == Severity.STRONG


def test_the_shipped_ordinary_words_are_the_exports() -> None:
    pytest.importorskip("english_words")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    try:
        from export_ordinary_words import ordinary_words
    finally:
        sys.path.pop(0)
    lines = (DATA / "ordinary-words.txt").read_text("utf-8").splitlines()
    assert [w for w in lines if not w.startswith("#")] == ordinary_words()
