"""Text as an address reader sees it: the forms a writer uses to slip an address past a
filter, undone, with a map back to the original characters.

`name＠example．com` (full-width), `exаmple` (a Cyrillic а), `jane&#64;example.com`,
`jane%40example.com` and `ja\u200bne@example.com` all read as the plain address; `jane at
example dot com`, `jane [at] example (dot) com` and `sam @ gmail . com` read as it too, with
their `at` and `dot` written as two private-use markers (`AT`, `DOT`) so the finder can ask
for a known top-level domain when the address was spelled out. Every step is one linear
pass; no pattern here can backtrack over more than a run of white space.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from confusable_homoglyphs import confusables

AT = "\ue000"
"""An `at` written out: `[at]`, ` at `, ` @ `."""
DOT = "\ue001"
"""A `dot` written out: `[dot]`, ` dot `, ` . `."""

# Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt): characters
# that render as nothing, so `ja<U+200B>ne` looks like `jane` but no longer matches it.
_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip
_KEEP_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@.-_")


def _latin_lookalikes() -> dict[str, str]:
    """Each character the Unicode confusables data says looks like one ASCII letter, digit,
    `@`, `.`, `-` or `_`, mapped to it (the LRM marks in the data are not part of a glyph)."""
    table: dict[str, str] = {}
    for char, homoglyphs in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        for homoglyph in homoglyphs:
            glyph = homoglyph["c"].replace("\u200e", "")
            if glyph in _KEEP_ASCII:
                table[char] = glyph
                break
    return table


_LOOKALIKES = _latin_lookalikes()
_SPECIAL = re.compile(
    r"&(?:#[xX][0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});?"
    r"|%(?:40|2[Ee])"
    r"|[^\x00-\x7f]++"
)
# A spelled-out `at` or `dot`, or an `@` or `.` with white space beside it. The match starts
# only where white space starts (the look-behind), so a run of spaces is scanned once.
_SPELLED = re.compile(
    r"(?<!\s)(?P<pre>\s*+)(?:"
    r"[\[({<]\s*+(?P<bracket>at|dot|@|\.)\s*+[\])}>]"
    r"|(?<=\s)(?P<word>at|dot)(?=\s)"
    r"|(?P<symbol>(?<=\s)[@.]|[@.](?=\s))"
    r")(?P<post>\s*+)",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def _fold(char: str) -> str:
    """One non-ASCII character as it reads: NFKC, marks dropped, look-alikes folded."""
    point = ord(char)
    if any(a <= point <= b for a, b in _IGNORABLE):
        return ""
    if char in (AT, DOT):
        return "\ufffd"  # a writer's own marker must not read as ours
    folded = unicodedata.normalize("NFKC", char)
    return "".join(_LOOKALIKES.get(c, c) for c in folded if not unicodedata.combining(c))


@dataclass(frozen=True)
class Stage:
    """Text made from another text; `start[k]`/`end[k]`: the source span of character k.
    With no map, each character is the one at the same place (nothing changed). A
    `reordered` stage may map characters out of order (a reversed run)."""

    text: str
    start: list[int] | None = None
    end: list[int] | None = None
    reordered: bool = False

    def source_span(self, a: int, b: int) -> tuple[int, int]:
        if self.start is None or self.end is None:
            return a, b
        if self.reordered:
            return min(self.start[a:b]), max(self.end[a:b])
        return self.start[a], self.end[b - 1]


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.start: list[int] = []
        self.end: list[int] = []

    def copy(self, source: str, a: int, b: int) -> None:
        self.parts.append(source[a:b])
        self.start.extend(range(a, b))
        self.end.extend(range(a + 1, b + 1))

    def put(self, text: str, a: int, b: int) -> None:
        self.parts.append(text)
        self.start.extend([a] * len(text))
        self.end.extend([b] * len(text))

    def stage(self, *, reordered: bool = False) -> Stage:
        return Stage("".join(self.parts), self.start, self.end, reordered)


RLO = "\u202e"
"""RIGHT-TO-LEFT OVERRIDE: what follows it, up to a POP DIRECTIONAL FORMATTING or the end
of the line, is shown in reverse, so `\u202emoc.elpmaxe@enaj` reads `jane@example.com`."""
_OVERRIDDEN = re.compile("\u202e([^\u202c\n]*+)")


def as_shown(text: str) -> Stage:
    """Each run under a right-to-left override reversed, as a page shows it."""
    out, position = _Builder(), 0
    for match in _OVERRIDDEN.finditer(text):
        a, b = match.span(1)
        out.copy(text, position, a)
        out.parts.append(text[a:b][::-1])
        out.start.extend(range(b - 1, a - 1, -1))
        out.end.extend(range(b, a, -1))
        position = b
    out.copy(text, position, len(text))
    return out.stage(reordered=True)


def decoded(text: str) -> Stage:
    """HTML entities (`html.unescape`), `%40` and `%2E`, and every non-ASCII character
    read as it looks."""
    if text.isascii() and "&" not in text and "%" not in text:
        return Stage(text)
    out, position = _Builder(), 0
    for match in _SPECIAL.finditer(text):
        a, b = match.span()
        out.copy(text, position, a)
        token = match.group()
        if token[0] == "&":
            out.put(html.unescape(token), a, b)
        elif token[0] == "%":
            out.put(chr(int(token[1:], 16)), a, b)
        else:
            _fold_run(out, token, a)
        position = b
    out.copy(text, position, len(text))
    return out.stage()


def _fold_run(out: _Builder, run: str, a: int) -> None:
    pieces = list(map(_fold, run))
    folded = "".join(pieces)
    if len(folded) == len(run) and "" not in pieces:  # one character for one: in bulk
        out.parts.append(folded)
        out.start.extend(range(a, a + len(run)))
        out.end.extend(range(a + 1, a + len(run) + 1))
        return
    for k, piece in enumerate(pieces, a):
        out.put(piece, k, k + 1)


def spelled_out(text: str) -> Stage:
    """`at`/`dot` written out, or `@`/`.` between spaces, as one `AT`/`DOT` marker each."""
    out, position = _Builder(), 0
    for match in _SPELLED.finditer(text):
        word = match["bracket"] or match["word"] or match["symbol"]
        out.copy(text, position, match.start())
        marker = AT if word.lower() in ("at", "@") else DOT
        out.put(marker, match.start(), match.end())
        position = match.end()
    if position == 0:
        return Stage(text)
    out.copy(text, position, len(text))
    return out.stage()


@dataclass(frozen=True)
class Canonical:
    """`text` read for addresses; `original_span` maps a span of it back to `source`."""

    source: str
    stages: tuple[Stage, ...]

    @property
    def text(self) -> str:
        return self.stages[-1].text

    def original_span(self, a: int, b: int) -> tuple[int, int]:
        for stage in reversed(self.stages):
            a, b = stage.source_span(a, b)
        return a, b


def canonical(text: str, *, shown: bool = False) -> Canonical:
    """`shown`: read the runs under a right-to-left override as the page shows them."""
    stages = (as_shown(text),) if shown else ()
    first = decoded(stages[0].text if stages else text)
    return Canonical(text, (*stages, first, spelled_out(first.text)))
