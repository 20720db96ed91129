"""Characters that stand for Latin letters, and characters that render as nothing, from the
Unicode Consortium's data rather than a hand table.

Look-alikes come from UTS #39's confusables, as the `confusable-homoglyphs` package ships
them: `ᖴ` is confusable with `F`, `ƒ` with `f` plus a combining comma, `𝐟` with `f`.
Confusability is joined transitively (a character confusable with one that is confusable with
`k` stands for `k`), and a class that holds an ASCII letter maps all its members to it.
Default-ignorable code points (the Unicode property: zero-width spaces and joiners, bidi
controls, variation selectors, fillers, tag characters) are removed, as `regex` knows them.
Both tables are built once per process; the package's JSON is dropped once read.
"""

from __future__ import annotations

import json
import string
import sys
import unicodedata
from functools import cache, lru_cache
from importlib import resources

import regex

from services.core.text import strip_combining, translate_non_ascii


@cache
def default_ignorables() -> frozenset[str]:
    pattern = regex.compile(r"\p{Default_Ignorable_Code_Point}")
    found: set[str] = set()
    for block in range(0, sys.maxunicode + 1, 4096):  # blocks: a small string at a time
        found.update(pattern.findall("".join(map(chr, range(block, block + 4096)))))
    return frozenset(found)


@cache
def to_ascii_table() -> dict[int, str]:
    """A `str.translate` table: default-ignorables dropped, non-ASCII look-alikes of Latin
    letters made those letters (lower case)."""
    data = json.loads(
        (resources.files("confusable_homoglyphs") / "confusables.json").read_text("utf-8")
    )
    parent: dict[str, str] = {}

    def root(c: str) -> str:
        while parent.get(c, c) != c:
            c = parent[c]
        return c

    for char, homoglyphs in data.items():
        for glyph in homoglyphs:
            # A prototype of one character, or one character with combining marks (`f̦`).
            kept = [g for g in glyph["c"] if not unicodedata.combining(g)]
            if len(char) == 1 and len(kept) == 1:
                a, b = root(char), root(kept[0])
                if a != b:
                    parent[max(a, b)] = min(a, b)  # ASCII sorts first: a class's root
    letter_of: dict[str, str] = {}  # a class's root -> the ASCII letter in it, if any
    for char in sorted(set(parent) | set(string.ascii_letters)):
        if char in string.ascii_letters:
            letter_of[root(char)] = char.lower()  # sorted so lower case wins
    table: dict[int, str] = {}
    for char in parent:
        if not char.isascii() and (latin := letter_of.get(root(char))):
            table[ord(char)] = latin
    table.update(dict.fromkeys(map(ord, default_ignorables()), ""))
    return table


def to_ascii(text: str, lower: bool = True) -> str:
    """Ignorables dropped, look-alikes made Latin, accents stripped, lower-cased (unless
    not `lower`: then only ASCII letters keep their case)."""
    if not text.isascii():
        text = _latin(text)
    return text.lower() if lower else text


@lru_cache(maxsize=8)
def _latin(text: str) -> str:
    """`to_ascii` before lower-casing. Cached: the matchers and the abuse patterns each ask
    for the same comment's, and the table look-up is the costly part."""
    text = translate_non_ascii(text, to_ascii_table())
    return strip_combining(unicodedata.normalize("NFKD", text))
