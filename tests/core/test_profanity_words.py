"""The fast matcher decides, and censors, exactly as better-profanity does."""

from __future__ import annotations

import csv
import os
import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from better_profanity import Profanity

from services.core.checks.profanity_words import ProfanityMatcher, default_matcher, default_words

DATASETS = Path(
    os.environ.get("COMMENTS_DATASETS", Path(__file__).resolve().parents[3] / "shared" / "datasets")
)

TRICKY = [
    "", "a", " x", "x ", "ass", "ASS", "a$$", "@ss", "4ss", "a55", "class", "assassin",
    "pass the salt",
    "sh1t", "sh!t", "s h i t", "s.h.i.t", "f.u.c.k", "f u c k", "f-u-c-k", "f_u_c_k", "fu ck",
    "f u c k e r", "what the fuck!", "fuck", "Fuck.", "...fuck", "fuck...", "fuckfuck", "f***",
    "**** you", "****", "b!tch", "b1tch", "bitch", "biatch", "2 girls 1 cup", "2 girls  1 cup",
    "blow job", "blowjob", "blow-job", "ass-fucker", "ass fucker", "bull shit", "bullshit",
    "God bless", "OMG lol", "gay rights", "sex education", "hell yeah", "he11", "wtf?!",
    "damn it", "d4mn", "masterbat*", "p0rn", "porn", "pr0n", "l3itch", "l3i+ch", "s-h-1-t",
    "don't", "it's a sh*t show", "\"fuck\"", "'shit'", "fuck\u200byou", "ｆｕｃｋ", "fÜck",
    "FUCK YOU", "Fück", "shït", "a s s", "as s", "a ss", "the assessment", "Scunthorpe",
    "cocktail", "pussycat", "dickens", "hello @world", "e-mail me", "x-rated", "xxx", "xx",
    "n1gg@", "nigg4h", "kkk", "coon", "twat", "tw4t", "wank", "w@nk", "a\u0301ss", "İshit",
] + [f"word {w} word" for w in ["f", "u", "c", "k"]]  # fmt: skip


def reference() -> Profanity:
    profanity = Profanity()
    profanity.load_censor_words()
    return profanity


_reference: Profanity | None = None


def _reference_censor(text: str) -> str:
    global _reference
    if _reference is None:
        _reference = reference()
    return str(_reference.censor(text))


def assert_same(texts: list[str], workers: int = 1) -> None:
    matcher = default_matcher()
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            expected = list(pool.map(_reference_censor, texts, chunksize=64))
    else:
        expected = [_reference_censor(t) for t in texts]
    differ = []
    for text, censored in zip(texts, expected, strict=True):
        scan = matcher.scan(text)
        if scan.censored != censored or scan.profane != (censored != text):
            differ.append((text, censored, scan.censored))
    assert not differ, differ[:10]


def test_tricky_texts() -> None:
    assert_same(TRICKY)


def generated(count: int, seed: int) -> Iterator[str]:
    """Listed words disguised the ways better-profanity knows (leetspeak, case, separators,
    joined words) and ways it does not, inside ordinary sentences."""
    rng = random.Random(seed)
    words = sorted(default_words())
    matcher = default_matcher()
    fillers = ["the", "a", "you", "is", "so", "I", "what", "class", "pass", "hello", "x"]
    for _ in range(count):
        word = rng.choice(words)
        chars = []
        for char in word:
            options = matcher.char_map.get(char, (char,))
            chars.append(rng.choice(options) if rng.random() < 0.3 else char)
        disguised = "".join(chars)
        if rng.random() < 0.3:
            disguised = disguised.upper() if rng.random() < 0.5 else disguised.title()
        if rng.random() < 0.25:
            disguised = rng.choice([" ", ".", "-", "_", "*", "  ", "!"]).join(disguised)
        if rng.random() < 0.15:
            cut = rng.randrange(1, max(2, len(disguised)))
            disguised = disguised[:cut] + rng.choice([" ", "", "x"]) + disguised[cut:]
        left = " ".join(rng.choices(fillers, k=rng.randrange(0, 3)))
        right = " ".join(rng.choices(fillers, k=rng.randrange(0, 3)))
        punctuation = rng.choice(["", ".", "!", "?!", ",", "..."])
        yield f"{left} {disguised}{punctuation} {right}".strip(rng.choice([" ", ""]))


def test_generated_disguises() -> None:
    assert_same(list(generated(3000, seed=7)), workers=2)


def test_an_allowlist_takes_words_off_the_list_as_better_profanity_does() -> None:
    allow = ["god", "omg", "hell"]
    profanity = Profanity()
    profanity.load_censor_words(whitelist_words=list(allow))
    matcher = ProfanityMatcher(default_words(), allow)
    for text in ["God bless", "omg", "hell yes", "shit", "he11"]:
        assert matcher.censor(text) == profanity.censor(text), text


def dataset_texts() -> list[str]:
    texts: list[str] = []
    for name in ["Youtube01-Psy.csv", "Youtube02-KatyPerry.csv"]:
        with open(DATASETS / name, encoding="utf-8") as f:
            texts += [row["CONTENT"] for row in csv.DictReader(f)]
    with open(DATASETS / "test_examples.csv", encoding="utf-8") as f:
        texts += [row["comment_text"] for row in csv.DictReader(f)]
    with open(DATASETS / "SMSSpamCollection", encoding="utf-8", errors="replace") as f:
        sms = [row[1] for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if row[1:]]
    return texts + sms[:2200]


@pytest.mark.skipif(
    not (DATASETS / "SMSSpamCollection").exists(),
    reason=f"the labeled datasets are not at {DATASETS} (set COMMENTS_DATASETS)",
)
def test_the_same_answers_on_thousands_of_real_comments() -> None:
    texts = dataset_texts()
    assert len(texts) >= 3000
    assert_same(texts, workers=2)


def test_the_quick_test_never_hides_what_the_full_check_finds() -> None:
    from services.core.checks.profanity import _find, find_profanity
    from services.core.moderation import profanity_matcher

    matcher = profanity_matcher(())
    texts = TRICKY + list(generated(2000, seed=11)) + [
        "Ｆ.U.С.K you", "f\u200bu\u200bc\u200bk", "sh!t", "b.i.t.c.h", "fuuuuck", "asssss",
        "ѕhіt", "what a b|tch", "s-h-i-t-t-y", "SHIIIIT!!!",
    ]  # fmt: skip
    if (DATASETS / "SMSSpamCollection").exists():
        texts += dataset_texts()
    for text in texts:
        quick, full = find_profanity(text, matcher), _find(text, matcher)
        assert (quick.spans, quick.words) == (full.spans, full.words), text
