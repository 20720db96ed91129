"""Cost of validating one submission: the reference (jsonschema) against the fast path
(jsonschema-rs first, jsonschema only to explain a refusal), in the same run.

    .venv/bin/python bench/validation.py [--rounds 5]

Times `submission.parse` (trimming, the name's normalisation and the schema) on a valid
400-byte submission, the intake's common case, and a refused one (whose errors the
reference explains, so it costs what it did), CPU time, medians of the rounds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from services.core import schemas
from services.core.errors import Problem
from services.core.submission import parse

VALID = {
    "author": {"name": "Ada Lovelace", "email": "ada@example.com", "url": "https://ada.example"},
    "content": "Thanks for the clear write-up; the council should publish the figures. " * 5,
}
REFUSED = {"author": {"name": "Ada", "email": "not an address"}, "content": "", "extra": 1}


def _parse(document: dict[str, Any]) -> None:
    try:
        parse(document)
    except Problem:
        pass


def cost_us(run: Callable[[], None], seconds: float = 0.3) -> float:
    run()
    runs, start = 0, time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        run()
        runs += 1
    return elapsed / runs * 1e6


def reference_only(name: str, document: Any) -> list[schemas.FieldError]:
    return schemas.field_errors(schemas.validator(name).iter_errors(document))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    name = "comment-submission.schema.json"
    print(f"one submission's schema check, CPU time, median of {rounds} rounds")
    print(f"{'document':>10} {'jsonschema µs':>14} {'fast path µs':>13} {'ratio':>6} "
          f"{'whole parse µs':>15}")  # fmt: skip
    for label, document in (("valid", VALID), ("refused", REFUSED)):
        timings: dict[str, list[float]] = {"reference": [], "fast": [], "parse": []}
        for _ in range(rounds):  # interleaved, so a noisy moment hits all three alike
            timings["reference"].append(cost_us(lambda d=document: reference_only(name, d)))
            timings["fast"].append(cost_us(lambda d=document: schemas.errors_in(name, d)))
            timings["parse"].append(cost_us(lambda d=document: _parse(d)))
        ref, new, whole = (statistics.median(timings[k]) for k in ("reference", "fast", "parse"))
        print(f"{label:>10} {ref:>14.1f} {new:>13.1f} {new / ref:>6.2f} {whole:>15.1f}")


if __name__ == "__main__":
    main()
