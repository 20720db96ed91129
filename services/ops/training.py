"""`comments train FILE...`: the filter's prior from labeled files (the formats `comments
eval` reads), the same bytes for the same inputs."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from services.core.prior import Prior, Sample, train
from services.core.rules import Rules
from services.ops.evaluation import read_labeled


class TrainedOnMeasured(ValueError):
    """A prior for measuring a file may not have learned from that file."""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train_files(paths: Sequence[Path], rules: Rules, measured: Path | None = None) -> Prior:
    """The prior learned from `paths`; refused when one of them is `measured` (by content,
    so a copy under another name is refused too)."""
    corpora = {}
    forbidden = digest(measured) if measured else None
    for path in paths:
        sha = digest(path)
        if sha == forbidden:
            raise TrainedOnMeasured(f"{path} is the file being measured")
        samples = [Sample(item.text, item.spam) for item in read_labeled(path)]
        corpora[path.name] = (sha, samples)
    return train(corpora, rules)
