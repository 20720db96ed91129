"""Write alt-profanity-check's model as the plain linear scorer the workers evaluate.

    .venv/bin/python scripts/export_toxicity_model.py

The package (MIT; Victor Zhou, Menelaos Kotoglou, Dimitrios Mistriotis) ships a scikit-learn
TfidfVectorizer and a CalibratedClassifierCV of LinearSVCs with sigmoid calibration. Scoring
one text through scikit-learn costs about 4 ms and importing it about 125 MB, so the worker
never imports it: this script reads the vocabulary, idf, each fold's coefficients and
intercept and its calibration once, and writes them to
services/core/data/toxicity-model.json.gz. tests/core/test_toxicity.py proves the scorer
gives the package's own `predict_prob` on thousands of texts; rerun this script when the
package is upgraded (that test fails until then).
"""

from __future__ import annotations

import gzip
import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

from profanity_check import profanity_check  # type: ignore[import-untyped]

OUT = Path(__file__).resolve().parent.parent / "services" / "core" / "data"


def export() -> dict[str, Any]:
    vectorizer, model = profanity_check.vectorizer, profanity_check.model
    params = vectorizer.get_params()
    assert params["analyzer"] == "word" and params["ngram_range"] == (1, 1)
    assert params["lowercase"] and params["norm"] == "l2" and not params["sublinear_tf"]
    assert params["preprocessor"] is None and params["tokenizer"] is None
    assert params["strip_accents"] is None and not params["binary"]
    folds = []
    for calibrated in model.calibrated_classifiers_:
        [calibrator] = calibrated.calibrators
        svc = calibrated.estimator
        folds.append((svc.coef_.ravel(), float(svc.intercept_[0]), calibrator.a_, calibrator.b_))
    idf = vectorizer.idf_
    vocabulary = {
        term: [float(idf[i]), *(float(coef[i]) for coef, _, _, _ in folds)]
        for term, i in sorted(vectorizer.vocabulary_.items())
    }
    return {
        "source": f"alt-profanity-check {version('alt-profanity-check')}",
        "licence": "MIT (c) 2018 Victor Zhou, 2021 Menelaos Kotoglou, and Dimitrios Mistriotis",
        "token_pattern": params["token_pattern"],
        "stop_words": sorted(vectorizer.get_stop_words()),
        "folds": [{"intercept": b, "a": float(a), "b": float(cb)} for _, b, a, cb in folds],
        "vocabulary": vocabulary,
    }


def main() -> None:
    data = json.dumps(export(), separators=(",", ":"), sort_keys=True).encode()
    with gzip.GzipFile(OUT / "toxicity-model.json.gz", "wb", mtime=0) as out:
        out.write(data)


if __name__ == "__main__":
    main()
