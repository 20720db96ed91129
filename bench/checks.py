"""Cost of the moderation checks per comment, by comment size.

    .venv/bin/python bench/checks.py [--rounds 5]

Runs `assess`, what `duplicate_spread` indexes the text by (its near-duplicate signature
when it links or promotes) and `decide` (every check a worker runs that needs no Redis)
over realistic English comments of 200 B, 1 KB, 5 KB and 20 KB, a few hundred times each,
and prints the
median of several rounds per size, the cost per KB (flat when the cost grows linearly) and
the ratio to the 1 KB figure. A second table shows the same for comments that take the slow
paths: non-ASCII text, a link, a disguised profane word.

The baseline, measured in the same run: counting the words of the plain 1 KB comment
(`re.findall` and `Counter`), plain Python text work whose cost moves with the machine's
speed as the checks' does. On a loaded machine the ratio says whether the target is met:
the whole set of checks must cost at most TARGET_RATIO times the baseline: 200 µs against
the baseline's 36 µs on the quiet machine of 2026-11-28 (derived in bench/README.md).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable

from services.core.moderation import assess, spread_bands
from services.core.rules import Rules
from services.core.text import fingerprint
from services.core.verdict import decide

SIZES = [200, 1024, 5 * 1024, 20 * 1024]

PLAIN = (
    "I read the whole article twice, and I think the council should publish the 2026 budget "
    "figures before the vote on March 3rd, not after it. The last time they waited, nobody "
    "could check the numbers in time and the library lost 40% of its opening hours. Thanks "
    "to the reporter for covering this; please keep asking about the bus routes too. "
)
HARDER = (
    "Très bon article ! The café owners on Rue Saint-Denis say the rent went up 12% — "
    "see https://example.org/report for the numbers. Honestly this is bu11sh!t, and the "
    "mayor’s office knows it. “We will review it,” they said. Again. "
)


def comment(base: str, size: int) -> dict[str, str]:
    text = (base * (size // len(base) + 1))[:size]
    return {
        "content": text,
        "author_name": "Ada Lovelace",
        "author_url": "https://ada.example",
        "fingerprint": fingerprint(text),  # the intake's, on the record the worker reads
    }


def check(record: dict[str, str], rules: Rules) -> None:
    signals = assess(record, rules).signals
    spread_bands(record["content"], record["fingerprint"], signals)
    decide(signals, rules)


def cost_us(record: dict[str, str], rules: Rules, seconds: float = 0.4) -> float:
    return _cost_us(lambda: check(record, rules), seconds)


def _cost_us(run: Callable[[], object], seconds: float = 0.4) -> float:
    run()  # warm
    runs = 0
    # CPU time, not wall time: on a shared machine the wall clock also counts other work.
    start = time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        run()
        runs += 1
    return elapsed / runs * 1e6


def baseline(rounds: int) -> None:
    text = comment(PLAIN, 1024)["content"]
    ours = statistics.median(cost_us(comment(PLAIN, 1024), Rules()) for _ in range(rounds))
    base = statistics.median(
        _cost_us(lambda: Counter(WORD.findall(text.lower()))) for _ in range(rounds)
    )
    print(f"\nplain 1 KB: checks {ours:.0f} µs, baseline (a word count) {base:.1f} µs")
    print(f"ratio {ours / base:.2f} (the 200 µs target is about {TARGET_RATIO})")


TARGET_RATIO = 5.6
WORD = re.compile(r"\w+")


def table(title: str, base: str, rules: Rules, rounds: int) -> None:
    medians = {
        size: statistics.median(cost_us(comment(base, size), rules) for _ in range(rounds))
        for size in SIZES
    }
    print(f"\n{title}: median of {rounds} rounds")
    print(f"{'size':>8} {'µs/comment':>11} {'µs/KB':>8} {'vs 1 KB':>8}")
    for size, us in medians.items():
        print(f"{size:>8} {us:>11.0f} {us / size * 1024:>8.0f} {us / medians[1024]:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rules = Rules()
    table("plain English comments", PLAIN, rules, args.rounds)
    table("non-ASCII, a link, a disguised profane word", HARDER, rules, args.rounds)
    baseline(args.rounds)


if __name__ == "__main__":
    main()
