"""Text normalisation for matching: what a filter evader changes, undone, with a map back.

`for_matching` turns `Ｆ.U.С.K` (full-width F, Cyrillic С) or `f\u200bu\u200bc\u200bk` or
`sh!t` into plain letters a word list can match, and can tell for every character it produced
which character of the original it came from, so a match can be masked in the original text
(the published text keeps its own letters). The normalised text is made by whole-string
operations in C; the map back, a character at a time, only when a match needs it.
`fingerprint` is the key under which two comments count as the same content.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

# Characters that render as nothing but split words apart for a filter.
_INVISIBLE = {
    "\u00ad",  # soft hyphen
    "\u034f",  # combining grapheme joiner
    "\u061c",  # Arabic letter mark
    "\u115f", "\u1160", "\u17b4", "\u17b5", "\u180e",
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",  # zero-width space, joiners, marks
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # bidi embeddings and overrides
    "\u2060", "\u2061", "\u2062", "\u2063", "\u2064",  # word joiner, invisible operators
    "\u2066", "\u2067", "\u2068", "\u2069",  # bidi isolates
    "\u3164", "\ufeff", "\uffa0",
}  # fmt: skip
_DROP_INVISIBLE = str.maketrans(dict.fromkeys(_INVISIBLE))

# Letters from other scripts that look like Latin ones (Unicode confusables, the common ones).
_LOOKALIKES = str.maketrans(
    "аеорсуххіјѕԁһкмтвнАВЕКМНОРСТХУІЈЅ"  # Cyrillic
    "αοειкνρτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"  # Greek
    "ɡɑℓ",
    "aeopcyxxijsdhkmtbhABEKMHOPCTXYIJSaoeikvptuxABEZHIKMNOPTYXgal",
)

# `sh!t`, `b|tch`: an exclamation mark or bar between two letters stands for an i.
_I_LOOKALIKE = re.compile(r"(?<=[^\W\d_])[!|](?=[^\W\d_])")
# `b.i.t.c.h`, `s h i t`: three or more single letters, each followed by separators.
_SPACED_LETTERS = re.compile(r"(?<!\w)\w(?:[\s._\-~+/\\|,:;]+\w(?!\w)){2,}")
_SEPARATORS = re.compile(r"[\s._\-~+/\\|,:;]+")
_RUN = re.compile(r"([^\W\d_])\1{2,}")
_SPACES = re.compile(r"\s+")
NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def translate_non_ascii(text: str, table: Mapping[int, str | int | None]) -> str:
    """`text.translate(table)` for a table without ASCII keys: only the non-ASCII stretches
    are looked up (`str.translate` looks up every character, a few times slower on
    mostly-ASCII text)."""
    return _NON_ASCII_RUN.sub(lambda m: m.group().translate(table), text)


class WordSplitter:
    """The words of a text, split at every character not in `kept`. ASCII text (most
    comments) is split by `bytes.translate` and `str.split`, in C: a third of the cost of
    `re.findall`; any other text by `fallback`, which must give the same words."""

    def __init__(self, kept: str, fallback: Callable[[str], list[str]]) -> None:
        self._table = bytes(c if chr(c) in kept else 32 for c in range(256))
        self._fallback = fallback

    def __call__(self, text: str) -> list[str]:
        if text.isascii():
            return text.encode().translate(self._table).decode().split()
        return self._fallback(text)


def strip_combining(text: str) -> str:
    """Combining marks removed. A test per non-ASCII character: ten times cheaper than a
    regular expression class of every mark, on the mostly-ASCII text of most comments."""
    return NON_ASCII.sub(lambda m: "" if unicodedata.combining(m.group()) else m.group(), text)


@dataclass(frozen=True)
class Normalized:
    text: str
    _origin: Callable[[], Sequence[int]] = field(repr=False, compare=False)

    @cached_property
    def origin(self) -> Sequence[int]:
        """origin[k]: the index in the original text of character k of `text`."""
        return self._origin()

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        """The original characters that normalised characters [start, end) came from."""
        return self.origin[start], self.origin[end - 1] + 1


@lru_cache(maxsize=8)
def fold(text: str) -> str:
    """Compatibility forms decomposed and accents stripped, invisible characters removed,
    look-alikes folded, `!`/`|` between letters read as i. Whole-string operations only."""
    folded = text
    if not text.isascii():
        folded = translate_non_ascii(text, _DROP_INVISIBLE)
        folded = strip_combining(unicodedata.normalize("NFKD", folded))
        folded = translate_non_ascii(folded, _LOOKALIKES)
    if "!" in folded or "|" in folded:
        folded = _I_LOOKALIKE.sub("i", folded)
    return folded


def for_matching(text: str) -> Normalized:
    """`fold`, and spaced-out single letters joined (`b.i.t.c.h` -> `bitch`)."""
    folded = fold(text)
    if _SPACED_LETTERS.search(folded):
        folded, _ = _join_spaced_letters(folded, range(len(folded)))
    return Normalized(folded, lambda: _origin_of(text))


def _origin_of(text: str) -> list[int]:
    """`for_matching`'s steps again, keeping each character's origin: ASCII stretches as
    ranges, only the non-ASCII characters one at a time."""
    chars: list[str] = []
    origin: list[int] = []
    position = 0
    for match in NON_ASCII.finditer(text):
        index = match.start()
        chars.append(text[position:index])
        origin.extend(range(position, index))
        if (char := match.group()) not in _INVISIBLE:
            parts = strip_combining(unicodedata.normalize("NFKD", char))
            chars.append(parts)
            origin.extend([index] * len(parts))
        position = index + 1
    chars.append(text[position:])
    origin.extend(range(position, len(text)))
    folded = _I_LOOKALIKE.sub("i", translate_non_ascii("".join(chars), _LOOKALIKES))
    return _join_spaced_letters(folded, origin)[1]


def _join_spaced_letters(text: str, origin: Sequence[int]) -> tuple[str, list[int]]:
    chars: list[str] = []
    kept: list[int] = []
    position = 0
    for match in _SPACED_LETTERS.finditer(text):
        chars.append(text[position : match.start()])
        kept.extend(origin[position : match.start()])
        for k in range(match.start(), match.end()):
            if not _SEPARATORS.fullmatch(text[k]):
                chars.append(text[k])
                kept.append(origin[k])
        position = match.end()
    chars.append(text[position:])
    kept.extend(origin[position:])
    return "".join(chars), kept


def has_runs(text: str) -> bool:
    """Whether a letter appears three times in a row (`squeeze_runs` would change the text).
    A substring test per distinct letter: ten times cheaper than a back-reference regex."""
    return may_repeat(text, 3) and any(c * 3 in text for c in set(text) if c.isalpha())


def may_repeat(text: str, times: int) -> bool:
    """False when no character appears `times` times in a row; True may be wrong for text
    that is not ASCII, so an exact test follows it. For ASCII text, in C: the text and the
    text shifted by one, as integers, XOR to a zero byte wherever two neighbours agree."""
    if not text.isascii():
        return True
    data = text.encode()
    if len(data) < times:
        return False
    same = int.from_bytes(data[1:], "big") ^ int.from_bytes(data[:-1], "big")
    return bytes(times - 1) in same.to_bytes(len(data) - 1, "big")


def squeeze_runs(normalized: Normalized, keep: int) -> Normalized:
    """Letters repeated three or more times cut to `keep` (`fuuuuck` -> `fuck` with 1,
    `asssss` -> `ass` with 2). Texts without such runs come back as they are."""
    text = normalized.text
    if not has_runs(text):
        return normalized
    kept = _kept_ranges(len(text), [(m.start() + keep, m.end()) for m in _RUN.finditer(text)])

    def origin() -> list[int]:
        whole = normalized.origin
        return [i for start, end in kept for i in whole[start:end]]

    return Normalized("".join(text[start:end] for start, end in kept), origin)


def _kept_ranges(length: int, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept, position = [], 0
    for start, end in cuts:
        kept.append((position, start))
        position = end
    kept.append((position, length))
    return kept


def fingerprint(content: str) -> str:
    """Two comments with the same fingerprint say the same thing: compared after NFKC,
    case folding, invisible characters removed and white space collapsed."""
    text = unicodedata.normalize("NFKC", content).translate(_DROP_INVISIBLE).casefold()
    text = _SPACES.sub(" ", text).strip()
    return hashlib.sha256(text.encode()).hexdigest()[:32]
