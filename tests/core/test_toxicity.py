"""The plain linear scorer gives alt-profanity-check's own `predict_prob`, and the shipped
export is the installed package's model."""

from __future__ import annotations

import gzip
import json
import random
import sys
from pathlib import Path

import pytest

from services.core.checks.terms import DATA
from services.core.checks.toxicity import toxicity_model
from tests.core.test_profanity_words import DATASETS, TRICKY, dataset_texts

profanity_check = pytest.importorskip("profanity_check")


def texts(count: int, seed: int) -> list[str]:
    """Random texts from the model's own vocabulary, with punctuation, case, digits,
    accents and repeats, so every weight and the norm are exercised."""
    rng = random.Random(seed)
    vocabulary = sorted(toxicity_model().known_words)
    extras = ["!", ",", "Ünïcode", "42", "x", "don't", "CAPS", "\n", "e-mail", "_under_"]
    out = []
    for _ in range(count):
        words = rng.choices(vocabulary + extras, k=rng.randint(0, 60))
        text = " ".join(w.upper() if rng.random() < 0.1 else w for w in words)
        out.append(text)
    return out


def test_the_scorer_gives_the_packages_probabilities_on_thousands_of_texts() -> None:
    model = toxicity_model()
    sample = TRICKY + texts(3000, seed=3)
    if (DATASETS / "SMSSpamCollection").exists():
        sample += dataset_texts()
    expected = profanity_check.predict_prob(sample)
    differ = [
        (t, model.score(t), e)
        for t, e in zip(sample, expected, strict=True)
        if abs(model.score(t) - e) > 1e-9
    ]
    assert not differ, differ[:5]


def test_the_shipped_model_is_the_installed_packages() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    try:
        from export_toxicity_model import export
    finally:
        sys.path.pop(0)
    with gzip.open(DATA / "toxicity-model.json.gz", "rt", encoding="utf-8") as f:
        shipped = json.load(f)
    assert shipped == json.loads(json.dumps(export())), "rerun scripts/export_toxicity_model.py"


def test_scores_are_probabilities_that_order_texts_sensibly() -> None:
    model = toxicity_model()
    assert 0.0 < model.score("") < 0.1
    assert model.score("Thanks for the careful reporting on the budget.") < 0.1
    assert model.score("you are a disgusting worthless moron") > 0.97
