"""What a fresh site, starting from the shipped prior, does with genuine text of other media.

The prior is learned from YouTube comments; a news site's readers write prose. This replays,
in process and deterministically, the worker's own steps (checks, the filter's tokens, its
score from the prior's counts alone, the verdict with the default rules) for genuine texts
of other media, and for YouTube spam to show what the prior still catches:

    .venv/bin/python bench/prose.py [--datasets ../shared/datasets]
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from services.core.learning import features, score
from services.core.moderation import assess, prepare
from services.core.prior import DEFAULT_PRIOR, loads
from services.core.rules import Rules
from services.core.verdict import decide
from services.ops.evaluation import read_labeled

SMS_SAMPLE = 1000
"""Every n-th SMS ham up to this many: deterministic, and quick."""


def jigsaw_clean(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f)
        labels = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
        return [r["comment_text"] for r in rows if not any(r[k] == "1" for k in labels)]


def verdicts(texts: Iterable[str], rules: Rules) -> Counter[str]:
    prior = loads(DEFAULT_PRIOR.read_bytes())
    found: Counter[str] = Counter()
    for text in texts:
        record = {"content": text, "author_name": "Reader", "author_url": ""}
        assessment = assess(record, rules)
        tokens = features(text, "Reader", "", [s.check for s in assessment.signals])
        counts = [prior.tokens.get(t, (0, 0)) for t in tokens]
        learned = score(
            tokens, [c[0] for c in counts], [c[1] for c in counts],
            prior.spam, prior.ham, (prior.spam, prior.ham),
        )  # fmt: skip
        found[decide(list(assessment.signals), rules, learned).state] += 1
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    data = parser.parse_args().datasets
    rules = Rules()
    prepare(rules)
    sms = [s.text for s in read_labeled(data / "SMSSpamCollection") if not s.spam]
    youtube = [s for f in ("Youtube01-Psy.csv", "Youtube02-KatyPerry.csv")
               for s in read_labeled(data / f)]  # fmt: skip
    sets = {
        "Jigsaw clean (Wikipedia talk), genuine": jigsaw_clean(data / "test_examples.csv"),
        f"SMS ham, every {len(sms) // SMS_SAMPLE}th, genuine": sms[:: len(sms) // SMS_SAMPLE],
        "YouTube ham (in the prior), genuine": [s.text for s in youtube if not s.spam],
        "YouTube spam (in the prior), spam": [s.text for s in youtube if s.spam],
    }
    print("| texts | n | published | held | spam | rejected |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, texts in sets.items():
        found = verdicts(texts, rules)
        n = sum(found.values())
        shares = [f"{100 * found[s] / n:.1f}%" for s in ("published", "held", "spam", "rejected")]
        print(f"| {name} | {n} | " + " | ".join(shares) + " |")


if __name__ == "__main__":
    main()
