"""better-profanity's word list and semantics, matched in constant time per word.

better-profanity decides by splitting a text into words (runs of its allowed characters),
then comparing each word, and each word joined with up to three following words (with and
without the separators between them), against every one of its ~900 listed words, letting
each listed letter stand for its leetspeak look-alikes (`a` for `@`, `4`, `*`; `s` for `$`,
`5`; ...). That is a linear scan of the list per comparison: about a millisecond a word.

Here the same comparisons run against an index. Every leetspeak relation joins letters into
one class (`a`, `@`, `*`, `4`, `i`, `l`, `1`, `o`, `0`, `u`, `v`, `e`, `3` are all one class,
as `*` stands for any vowel), so a word can only match listed words whose class spelling is
the same: one dictionary look-up finds those few, and only they are compared letter by letter.
The walk over the text is better-profanity's own, step for step, so the answers and the
censored text are the same; a test checks that on thousands of real comments.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from better_profanity import Profanity
from better_profanity.constants import ALLOWED_CHARACTERS
from better_profanity.utils import get_complete_path_of_file, read_wordlist

from services.core.charclass import character_class

CENSORED = "****"
"""better-profanity replaces every matched word with four censor characters."""


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    """Half-open span in the text given to `scan`."""
    text: str


@dataclass(frozen=True)
class Scan:
    text: str
    censored: str
    matches: tuple[Match, ...]

    @property
    def profane(self) -> bool:
        """better-profanity's `contains_profanity`: the censored text differs."""
        return self.censored != self.text


def default_words() -> list[str]:
    return list(read_wordlist(get_complete_path_of_file("profanity_wordlist.txt")))


class ProfanityMatcher:
    def __init__(self, words: Iterable[str], allowlist: Iterable[str] = ()) -> None:
        # As better-profanity's _populate_words_to_wordset: lower-cased, allowlist removed.
        allowed = {w.lower() for w in allowlist}
        listed = sorted({w.lower() for w in words} - allowed)
        self.char_map: dict[str, tuple[str, ...]] = Profanity(words=[""]).CHARS_MAPPING
        self.max_combinations = max(
            [1, *(sum(c not in ALLOWED_CHARACTERS for c in w) for w in listed)]
        )
        self._class_of = _letter_classes(self.char_map)
        self._by_shape: dict[str, list[str]] = defaultdict(list)
        self._prefixes: set[str] = set()
        for word in listed:
            shape = self._shape(word)
            self._by_shape[shape].append(word)
            self._prefixes.update(shape[:k] for k in range(1, len(shape) + 1))
        self._max_len = max((len(w) for w in listed), default=0)
        self.words = frozenset(listed)
        self._candidates = _candidate_pattern(listed, self.char_map)
        # The same, as a look-ahead after each space: every position a listed word may start.
        self._starts = _candidate_pattern(listed, self.char_map, overlapping=True)

    def _shape(self, word: str) -> str:
        return word.translate(self._class_of)

    def is_listed(self, word: str, shape: str | None = None) -> bool:
        """better-profanity's `word in CENSOR_WORDSET` for a lower-cased word (whose shape,
        the word in letter classes, the caller may know)."""
        if len(word) > self._max_len:
            return False
        candidates = self._by_shape.get(self._shape(word) if shape is None else shape)
        if not candidates:
            return False
        alternatives = self.char_map
        return any(
            all(c == w or c in alternatives.get(w, ()) for c, w in zip(word, listed, strict=True))
            for listed in candidates
        )

    def scan(self, text: str) -> Scan:
        """better-profanity's `censor`, step for step, with the spans it censored.

        The walk visits only the words at which `may_contain`'s expression can start: a word
        where it cannot start is neither listed nor the first of a listed joining, so the full
        walk would copy it unchanged. The censored text is the text with each match replaced,
        which is what the full walk's output amounts to."""
        first = _first_allowed(text)
        if self._starts is None or first >= len(text) - 1:
            return Scan(text, text, ())
        body = text[first:]
        n = len(body)
        searched = " " + body.translate(_SEPARATORS).lower()
        starts = [m.start() for m in self._starts.finditer(searched)]
        if not starts:
            return Scan(text, text, ())
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(body)]
        if len(searched) == n + 1:
            token_at = {start: i for i, (start, _) in enumerate(tokens)}
            candidates = [token_at[s] for s in starts if s in token_at]
        else:  # lower-casing changed the length (`İ`): positions differ, walk every word
            candidates = list(range(len(tokens)))
        matches: list[Match] = []
        skip = -1
        for i in candidates:
            start, end = tokens[i]
            if start < skip:  # swallowed by an earlier multi-word match
                continue
            if end == n:  # the last word, with no separator after it
                if skip < n - 1 and self.is_listed(body[start:end].lower()):
                    matches.append(Match(first + start, first + end, body[start:end]))
                continue
            joined_end = self._joined_match(body, tokens, i)
            if joined_end is not None:
                # The separator after the word is dropped, as there: the span is replaced.
                matches.append(Match(first + start, first + joined_end, body[start:joined_end]))
                skip = joined_end if joined_end < n else n - 1
            elif self.is_listed(body[start:end].lower()):
                matches.append(Match(first + start, first + end, body[start:end]))
        return Scan(text, _replaced(text, matches), tuple(matches))

    def _joined_match(self, body: str, tokens: list[tuple[int, int]], i: int) -> int | None:
        """Where the first listed joining of word `i` with its next words ends, if any: joined
        directly or with the separators between them, as any_next_words_form_swear_word."""
        start, end = tokens[i]
        joined = joined_with_separators = body[start:end].lower()
        shape = self._shape(joined)
        # Shapes of the two joinings, dropped (None) once no listed word starts with them:
        # then no longer joining can be listed either. Most words end the search here.
        joined_shape: str | None = shape if shape in self._prefixes else None
        separated_shape = joined_shape
        previous_end = end
        for next_start, next_end in tokens[i + 1 : i + 1 + self.max_combinations]:
            if joined_shape is None and separated_shape is None:
                break
            if next_start >= len(body) - 1:  # better-profanity ignores a word on the last char
                break
            word = body[next_start:next_end].lower()
            word_shape = self._shape(word)
            if joined_shape is not None:
                joined += word
                joined_shape += word_shape
                if joined_shape not in self._prefixes:
                    joined_shape = None
                elif self.is_listed(joined, joined_shape):
                    return next_end
            if separated_shape is not None:
                separators = body[previous_end:next_start].lower()
                joined_with_separators += separators + word
                separated_shape += self._shape(separators) + word_shape
                if separated_shape not in self._prefixes:
                    separated_shape = None
                elif self.is_listed(joined_with_separators, separated_shape):
                    return next_end
            previous_end = next_end
        return None

    def may_contain(self, text: str) -> bool:
        """A quick test that is never False where better-profanity would find a word.

        One regular expression over the whole text, with separators made spaces: every listed
        word as its leetspeak letter classes, spaces allowed between any two letters, on word
        boundaries. It admits more than better-profanity (any number of joined words, any
        separators), so a False is certain, for this text and for it with its spaced-out
        letters joined, and a True only sends the text to the exact walk.
        """
        if self._candidates is None:
            return False
        return self._candidates.search(" " + text.translate(_SEPARATORS).lower()) is not None

    def contains(self, text: str) -> bool:
        return self.scan(text).profane

    def censor(self, text: str) -> str:
        return self.scan(text).censored


_ALLOWED_CLASS = character_class(ALLOWED_CHARACTERS)
_TOKEN = re.compile(f"[{_ALLOWED_CLASS}]+")
_FIRST = re.compile(f"[{_ALLOWED_CLASS}]")


class _SeparatorsToSpaces(dict[int, str]):
    """A `str.translate` table: better-profanity's word characters stay, all else is a space."""

    def __missing__(self, point: int) -> str:
        char = chr(point)
        self[point] = mapped = char if char in ALLOWED_CHARACTERS else " "
        return mapped


_SEPARATORS = _SeparatorsToSpaces()


def _candidate_pattern(
    words: list[str], char_map: dict[str, tuple[str, ...]], overlapping: bool = False
) -> re.Pattern[str] | None:
    """`may_contain`'s expression: the listed words as a trie of letter classes."""
    trie: dict[str, dict[str, Any]] = {}
    for word in words:
        node = trie
        for char in word:
            if char in ALLOWED_CHARACTERS:  # a listed separator may be any separators
                node = node.setdefault(char, {})
        node[""] = {}

    def letter(char: str) -> str:
        alternatives = set(char_map.get(char, ())) | {char}
        return f"[{character_class(alternatives)}]"

    def branch(node: dict[str, Any]) -> str:
        parts = [
            letter(char) + (f" *{rest}" if (rest := branch(child)) else "")
            for char, child in sorted(node.items())
            if char
        ]
        if not parts:
            return ""
        return f"(?:{'|'.join(parts)})" + ("?" if "" in node else "")

    body = branch(trie)
    # The text is searched with a space in front: a literal first character lets the regex
    # engine skip from space to space instead of trying every position.
    if not body:
        return None
    return re.compile(f" (?={body}(?![^ ]))" if overlapping else f" {body}(?![^ ])")


def _replaced(text: str, matches: list[Match]) -> str:
    out, position = [], 0
    for match in matches:
        out += [text[position : match.start], CENSORED]
        position = match.end
    out.append(text[position:])
    return "".join(out)


def _first_allowed(text: str) -> int:
    found = _FIRST.search(text)
    return found.start() if found else len(text)


def _letter_classes(char_map: dict[str, tuple[str, ...]]) -> dict[int, str]:
    """Join every letter with its look-alikes, transitively; map each to its class's first."""
    parent: dict[str, str] = {}

    def root(c: str) -> str:
        while parent.get(c, c) != c:
            c = parent[c]
        return c

    for letter, alternatives in char_map.items():
        for alt in alternatives:
            a, b = root(letter), root(alt)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {ord(c): root(c) for c in parent}


@cache
def default_matcher() -> ProfanityMatcher:
    """The matcher for better-profanity's own list, built once per process."""
    return ProfanityMatcher(default_words())
