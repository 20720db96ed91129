"""Where the evasion matcher's hits stand in a text: names, and phrases as a trie."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from services.core.checks.terms import Term

EDGES = "\"'“”‘’()[]{}<>.,;:!?"
"""Quotes and punctuation around a word, not part of it."""


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    """Half-open span in the text given to `find`."""
    term: Term


def trimmed(text: str, start: int, end: int, term: Term) -> Hit:
    """The hit without the quotes and punctuation around its word."""
    while end - start > 1 and text[end - 1] in EDGES:
        end -= 1
    while end - start > 1 and text[start] in EDGES:
        start += 1
    return Hit(start, end, term)


def is_name(text: str, start: int, end: int, term: Term) -> bool:
    """A name-like term written as a name beside another capitalised word: Dick Cheney."""
    if term.category != "name" or not text[start].isupper():
        return False
    before = text[:start].split()
    after = text[end:].split()
    return bool((before and before[-1][:1].isupper()) or (after and after[0][:1].isupper()))


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """The phrases (keyed with runs collapsed) as a trie of letters, each allowed to repeat
    (`b+a+l+\\s+g+a+g+`): a position is given up at its first letter. Neighbouring runs are
    of different letters, so nothing backtracks."""
    trie: dict[str, dict[str, Any]] = {}
    for phrase in phrases:
        node = trie
        for part in [f"{re.escape(c)}+" if c != " " else r"\s+" for c in phrase]:
            node = node.setdefault(part, {})
        node[""] = {}

    def branch(node: dict[str, Any]) -> str:
        parts = [part + branch(child) for part, child in sorted(node.items()) if part]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})"
        return f"(?:{body})?" if "" in node else body

    body = branch(trie)
    return re.compile(rf"(?<![a-z])(?:{body})(?![a-z])") if body else None
