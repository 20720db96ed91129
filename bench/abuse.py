"""Profanity and abuse: how many disguised listed terms get through, one form at a time, and
how many genuine texts are flagged.

    .venv/bin/python bench/abuse.py [--datasets ../shared/datasets] [--seed 7]

Terms come in three sets, each with its own row: better-profanity's list (the one the checks
were developed on), LDNOOBW's English terms not on it (held out), and LDNOOBW's French,
German, Spanish, Italian, Dutch and Portuguese lists (held out; matched with those languages
selected in the rules). Each term is disguised in one way (leetspeak, separators, masked
letters, repeated letters, UTS #39 homoglyphs, default-ignorable code points, a prefixed
letter, joined to a word), put into an ordinary sentence, and moderated by `assess` and
`decide` with the default rules. A row reports the share not published as it was written
(held, rejected, marked spam, or published censored). "before" is the profanity check as it
was (better-profanity's matcher on the text and its normalised forms, nothing else).

The false-positive table runs genuine texts (Jigsaw's clean rows, YouTube and SMS ham)
through the same checks and reports the share flagged for profanity or abuse; the last
table is the toxicity signal's confusion on the Jigsaw sample.
"""

from __future__ import annotations

import argparse
import csv
import random
import string
from collections.abc import Callable
from pathlib import Path

from services.core.checks.abuse_score import abuse_score
from services.core.checks.lookalikes import default_ignorables, to_ascii_table
from services.core.checks.profanity import NONE, find_profanity
from services.core.checks.profanity_words import default_words
from services.core.checks.terms import ldnoobw_words
from services.core.checks.toxicity import toxicity_model
from services.core.comment import State
from services.core.moderation import assess, profanity_matcher
from services.core.rules import NEWSROOM_ALLOWLIST, Rules
from services.core.verdict import decide

TEMPLATES = [
    "Honestly, {} is all I can say about the new parking rules.",
    "The council meeting last night was {} from start to finish.",
    "I read the whole article and my first thought was {}.",
    "My neighbour shouted {} when the bus was late again.",
    "{} — that is what the comments under the last story said.",
    "Thanks for the report, but the mayor's answer was {}.",
]
LEET = {"a": "4@", "e": "3", "i": "1!", "o": "0", "s": "$5", "t": "7+"}
SEPARATORS = [".", "-", "_", " ", "*"]
JOINS = ["you", "head", "face", "off", "dumb", "big", "this"]


def _letters(term: str) -> list[int]:
    return [k for k, c in enumerate(term) if c.isalpha()]


def leet(term: str, rng: random.Random) -> str:
    spots = [k for k in _letters(term) if term[k].lower() in LEET]
    if not spots:
        return term
    chars = list(term)
    for k in rng.sample(spots, max(1, len(spots) // 2)):
        chars[k] = rng.choice(LEET[chars[k].lower()])
    return "".join(chars)


def separated(term: str, rng: random.Random) -> str:
    return rng.choice(SEPARATORS).join(term.replace(" ", ""))


def masked(term: str, rng: random.Random) -> str:
    inner = _letters(term)[1:-1] or _letters(term)[1:]
    if not inner:
        return term
    chars = list(term)
    for k in rng.sample(inner, max(1, min(2, len(inner) // 2))):
        chars[k] = rng.choice("*-#")
    return "".join(chars)


def repeated(term: str, rng: random.Random) -> str:
    k = rng.choice(_letters(term) or [0])
    return term[:k] + term[k] * rng.randint(3, 5) + term[k + 1 :]


def homoglyphs(term: str, rng: random.Random) -> str:
    chars = list(term)
    spots = [k for k in _letters(term) if _GLYPHS.get(term[k].lower())]
    for k in rng.sample(spots, max(1, len(spots) // 2)) if spots else []:
        chars[k] = rng.choice(_GLYPHS[term[k].lower()])
    return "".join(chars)


def ignorables(term: str, rng: random.Random) -> str:
    k = rng.randint(1, max(1, len(term) - 1))
    return term[:k] + rng.choice(_IGNORABLE) + term[k:]


def prefixed(term: str, rng: random.Random) -> str:
    return rng.choice(string.ascii_lowercase) + term


def joined(term: str, rng: random.Random) -> str:
    word = rng.choice(JOINS)
    return term + word if rng.random() < 0.5 else word + term


_GLYPHS: dict[str, list[str]] = {}
for _point, _latin in to_ascii_table().items():
    if _latin and chr(_point).isprintable():
        _GLYPHS.setdefault(_latin, []).append(chr(_point))
_IGNORABLE = sorted(c for c in default_ignorables() if not c.isspace())

FORMS: dict[str, Callable[[str, random.Random], str]] = {
    "as written": lambda term, rng: term,
    "leetspeak": leet,
    "separators": separated,
    "masked letters": masked,
    "repeated letters": repeated,
    "homoglyphs": homoglyphs,
    "default-ignorables": ignorables,
    "prefixed letter": prefixed,
    "joined words": joined,
}


def term_sets() -> dict[str, tuple[list[str], tuple[str, ...]]]:
    allowed = {w.lower() for w in NEWSROOM_ALLOWLIST}
    bp = sorted({w.lower() for w in default_words()} - allowed)
    en = sorted({w.lower() for w in ldnoobw_words("en")} - allowed - set(bp))
    others = ("fr", "de", "es", "it", "nl", "pt")
    foreign = sorted({w.lower() for lang in others for w in ldnoobw_words(lang)} - allowed)
    return {
        "better-profanity (developed on)": (bp, ("en",)),
        "LDNOOBW en, not in it (held out)": (en, ("en",)),
        "LDNOOBW fr/de/es/it/nl/pt (held out)": (foreign, ("en", *others)),
    }


def caught_after(text: str, rules: Rules) -> bool:
    assessment = assess({"content": text, "author_name": "Sam"}, rules)
    verdict = decide(assessment.signals, rules)
    return verdict.state != State.PUBLISHED or verdict.censor


def caught_before(text: str, rules: Rules) -> bool:
    return find_profanity(text, profanity_matcher(rules.profanity_allowlist)) != NONE


def evasion_table(seed: int) -> None:
    print("\nListed terms, disguised one form at a time, in a sentence: share not published as-is")
    header = f"{'terms':<38} {'n':>5} " + " ".join(f"{f[:12]:>12}" for f in FORMS)
    for name, (terms, languages) in term_sets().items():
        rules = Rules(audit_rate=0.0, profanity_languages=languages)
        print(f"\n{header}")
        for label, check in (("before", caught_before), ("after", caught_after)):
            rng = random.Random(seed)
            shares = []
            for form in FORMS.values():
                hits = sum(
                    check(rng.choice(TEMPLATES).format(form(term, rng)), rules) for term in terms
                )
                shares.append(hits / len(terms))
            row = " ".join(f"{s:>12.1%}" for s in shares)
            print(f"{name[:31] + ' ' + label:<38} {len(terms):>5} {row}")


def genuine(datasets: Path) -> dict[str, list[str]]:
    youtube = [
        row["CONTENT"]
        for name in ("Youtube01-Psy.csv", "Youtube02-KatyPerry.csv")
        for row in csv.DictReader((datasets / name).open(encoding="utf-8"))
        if row["CLASS"] == "0"
    ]
    with (datasets / "SMSSpamCollection").open(encoding="utf-8", errors="replace") as f:
        sms = [r[1] for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if r[0] == "ham"]
    return {"Jigsaw clean": jigsaw(datasets)[0], "YouTube ham": youtube, "SMS ham": sms}


def jigsaw(datasets: Path) -> tuple[list[str], list[str]]:
    rows = list(csv.DictReader((datasets / "test_examples.csv").open(encoding="utf-8")))
    clean = [r["comment_text"] for r in rows if r["toxic"] == "0"]
    return clean, [r["comment_text"] for r in rows if r["toxic"] == "1"]


def flagged(text: str, rules: Rules) -> tuple[bool, bool, bool]:
    """Flagged by the lists, by the abuse signal, by either."""
    signals = assess({"content": text, "author_name": "Sam"}, rules).signals
    lists = any(s.check == "profanity" and s.action.value != "score" for s in signals)
    abuse = any(s.check == "abuse" for s in signals)
    return lists, abuse, lists or abuse


def false_positive_table(datasets: Path) -> None:
    rules = Rules(audit_rate=0.0)
    print("\nGenuine texts flagged for profanity or abuse (lists: hold/reject/censor)")
    print(f"{'texts':<14} {'n':>5} {'before':>8} {'lists':>8} {'abuse':>8} {'after':>8}")
    sets = genuine(datasets)
    sets["Jigsaw toxic"] = jigsaw(datasets)[1]
    for name, texts in sets.items():
        before = sum(caught_before(t, rules) for t in texts) / len(texts)
        counts = [
            sum(f) / len(texts) for f in zip(*(flagged(t, rules) for t in texts), strict=True)
        ]
        print(
            f"{name:<14} {len(texts):>5} {before:>8.1%} " + " ".join(f"{c:>8.1%}" for c in counts)
        )
    print("(Jigsaw toxic: the share caught, for comparison)")


def confusion_table(datasets: Path) -> None:
    rules = Rules()
    clean, toxic = jigsaw(datasets)
    model = toxicity_model()
    print(
        f"\nToxicity signal on the Jigsaw sample ({model.source}; hold at {rules.abuse_hold_score})"
    )
    print(f"{'signal':<34} {'toxic held':>11} {'clean held':>11}")
    for label, score in (
        ("model alone, p >= 0.5", lambda t: model.score(t) >= 0.5),
        (
            f"model alone, p >= {rules.abuse_hold_score}",
            lambda t: model.score(t) >= rules.abuse_hold_score,
        ),
        ("combined abuse score", lambda t: abuse_score(t, NONE)[0] >= rules.abuse_hold_score),
        ("lists and abuse (as assess flags)", lambda t: flagged(t, rules)[2]),
    ):
        tp, fp = sum(map(score, toxic)), sum(map(score, clean))
        print(f"{label:<34} {tp:>5} of {len(toxic):<4} {fp:>5} of {len(clean):<4}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--datasets", type=Path, default=Path(__file__).parents[2] / "shared" / "datasets"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    evasion_table(args.seed)
    false_positive_table(args.datasets)
    confusion_table(args.datasets)


if __name__ == "__main__":
    main()
