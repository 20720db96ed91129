"""The filter's prior: token counts learned from public labeled corpora by `comments train`,
so a new site's filter starts from sound knowledge of comment spam instead of from nothing.

The prior holds only what generalises: words, word pairs, link domains, shapes and which
checks fired; never authors' names. Tokens seen in fewer than `MIN_COMMENTS` comments are
left out (they say little and would make the file large). The same inputs always give the
same bytes: the tokens are sorted and the sources named by their content's SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.core.learning import features
from services.core.moderation import assess
from services.core.rules import Rules

FORMAT = 1
MIN_COMMENTS = 2
"""A token must appear in at least this many training comments to be kept."""
DEFAULT_PRIOR = Path(__file__).parent / "data" / "prior.json"


@dataclass(frozen=True)
class Sample:
    text: str
    spam: bool


@dataclass
class Prior:
    spam: int = 0
    ham: int = 0
    tokens: dict[str, tuple[int, int]] = field(default_factory=dict)
    """token -> (spam comments holding it, genuine comments holding it)"""
    sources: list[dict[str, str]] = field(default_factory=list)
    """Each training file: its name and the SHA-256 of its bytes."""

    def digests(self) -> set[str]:
        return {source["sha256"] for source in self.sources}

    def version(self) -> str:
        """Names this prior in Redis: a site records which prior it started from."""
        return hashlib.sha256(dumps(self)).hexdigest()[:16]


def prior_tokens(content: str, rules: Rules) -> list[str]:
    """The tokens a training comment teaches: as the worker computes them, without names."""
    checks = [s.check for s in assess({"content": content, "author_name": ""}, rules).signals]
    return features(content, "", "", checks)


def train(corpora: Mapping[str, tuple[str, Iterable[Sample]]], rules: Rules) -> Prior:
    """Count tokens over `corpora` (file name -> (SHA-256 of its bytes, its samples))."""
    spam_counts: Counter[str] = Counter()
    ham_counts: Counter[str] = Counter()
    prior = Prior()
    for name in sorted(corpora):
        digest, samples = corpora[name]
        prior.sources.append({"name": name, "sha256": digest})
        for sample in samples:
            tokens = prior_tokens(sample.text or "(empty)", rules)
            (spam_counts if sample.spam else ham_counts).update(tokens)
            if sample.spam:
                prior.spam += 1
            else:
                prior.ham += 1
    for token in sorted(spam_counts.keys() | ham_counts.keys()):
        spam, ham = spam_counts[token], ham_counts[token]
        if spam + ham >= MIN_COMMENTS:
            prior.tokens[token] = (spam, ham)
    return prior


def dumps(prior: Prior) -> bytes:
    document = {
        "format": FORMAT,
        "sources": prior.sources,
        "spam": prior.spam,
        "ham": prior.ham,
        "tokens": {token: list(counts) for token, counts in sorted(prior.tokens.items())},
    }
    return (json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n").encode()


def loads(data: bytes | str) -> Prior:
    document = json.loads(data)
    if document.get("format") != FORMAT:
        raise ValueError(f"not a prior of format {FORMAT}")
    tokens = {str(t): (int(c[0]), int(c[1])) for t, c in document["tokens"].items()}
    return Prior(int(document["spam"]), int(document["ham"]), tokens, list(document["sources"]))
