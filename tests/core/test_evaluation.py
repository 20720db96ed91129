from __future__ import annotations

import csv
from pathlib import Path

from services.core.comment import State
from services.core.rules import Rules
from services.ops.evaluation import Triage, toxicity_confusion


def test_refusals_at_intake_count_as_genuine_lost_and_in_the_totals() -> None:
    triage = Triage()
    triage.add(False, State.PUBLISHED, [])
    triage.add(False, State.HELD, [])
    triage.refused[False] += 2
    assert triage.total(False) == 4
    assert triage.genuine_lost() == 0.5 and triage.held() == 0.25


def test_the_toxicity_confusion_counts_caught_and_flagged(tmp_path: Path) -> None:
    sample = tmp_path / "jigsaw.csv"
    with open(sample, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["comment_text", "toxic", "insult"])
        writer.writerows([("you are a fucking idiot", 1, 1), ("thanks for the edit", 0, 0)])
    report = toxicity_confusion(sample, Rules())
    [profanity] = [line.split() for line in report.splitlines() if "profanity" in line]
    assert profanity == ["profanity", "1", "/", "0", "0", "/", "1"]
