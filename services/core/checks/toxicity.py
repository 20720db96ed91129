"""A learned toxicity score, evaluated per comment in plain Python.

The model is alt-profanity-check's (a TF-IDF vocabulary of 15,442 words, five LinearSVC folds
each with a sigmoid calibration, trained on tweets and Wikipedia talk comments), exported by
scripts/export_toxicity_model.py to services/core/data/toxicity-model.json.gz. scikit-learn
would cost 4 ms a call and 125 MB a process; here a text's score is one pass over its words:
the tf-idf vector's dot product with each fold's coefficients, divided by its norm, plus the
intercept, through the fold's sigmoid, averaged over folds, as `CalibratedClassifierCV`
does. tests/core/test_toxicity.py shows it equals the package's `predict_prob`.
"""

from __future__ import annotations

import gzip
import json
import math
import operator
import re
import string
from collections import Counter
from dataclasses import dataclass
from functools import cache

from services.core.checks.terms import DATA
from services.core.text import WordSplitter


@dataclass(frozen=True)
class _Fold:
    intercept: float
    a: float
    b: float


class ToxicityModel:
    def __init__(self, data: dict[str, object]) -> None:
        self.source = str(data["source"])
        # `\b\w\w+\b` finds whole runs of two or more word characters, as `\w\w+` does when
        # scanning left to right, at a quarter of the cost (the equivalence test checks it).
        assert data["token_pattern"] == r"(?u)\b\w\w+\b"
        token = re.compile(r"\w\w+")
        # In ASCII, `\w` is letters, digits and `_`; a one-character word is in no vocabulary.
        self._words = WordSplitter(string.ascii_lowercase + string.digits + "_", token.findall)
        folds = data["folds"]
        assert isinstance(folds, list)
        self._folds = [_Fold(f["intercept"], f["a"], f["b"]) for f in folds]
        vocabulary = data["vocabulary"]
        assert isinstance(vocabulary, dict)
        # Per word: its idf and idf * coefficient for each fold, ready to multiply by counts.
        self._weights: dict[str, tuple[float, ...]] = {
            word: (row[0], *(row[0] * c for c in row[1:])) for word, row in vocabulary.items()
        }
        stop_words = data["stop_words"]
        assert isinstance(stop_words, list)
        self.known_words: dict[str, float] = dict.fromkeys(stop_words, 0.0)
        self.known_words.update((word, sum(row[1:])) for word, row in vocabulary.items())
        """Every word the model knows (its vocabulary and the stop words it ignores), with
        how far it pushes towards toxicity: at most 0 for clean words."""
        self._empty = sum(_sigmoid(f, f.intercept) for f in self._folds) / len(self._folds)

    def score(self, text: str) -> float:
        """The probability that the text is offensive, as `predict_prob` gives it."""
        weights = self._weights
        counts = Counter(self._words(text.lower()))
        found = [(weights[w], n) for w, n in counts.items() if w in weights]
        if not found:
            return self._empty
        rows, ns = zip(*found, strict=True)
        # Columns: the idf values, then each fold's idf * coefficient; times counts in C.
        idf, *folds = zip(*rows, strict=True)
        tf_idf = list(map(operator.mul, idf, ns))
        norm = math.sqrt(sum(map(operator.mul, tf_idf, tf_idf)))
        total = 0.0
        for fold, column in zip(self._folds, folds, strict=True):
            total += _sigmoid(fold, sum(map(operator.mul, column, ns)) / norm + fold.intercept)
        return total / len(self._folds)


def _sigmoid(fold: _Fold, decision: float) -> float:
    return 1.0 / (1.0 + math.exp(min(fold.a * decision + fold.b, 700.0)))


@cache
def toxicity_model() -> ToxicityModel:
    """The model, loaded once per process."""
    with gzip.open(DATA / "toxicity-model.json.gz", "rt", encoding="utf-8") as f:
        return ToxicityModel(json.load(f))
