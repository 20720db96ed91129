"""Authors' names as people write them, in any script, made safe to show.

Platforms wrap Arabic and Hebrew names in bidirectional embeddings and marks (`U+202B name
U+202C U+200E`). Those only steer layout, and every page isolates a name when it renders it
(`<bdi>`), so they are stripped: an override (U+202E) can then neither flip the text around a
name nor make two names look alike. What a script needs stays: zero-width joiners and
non-joiners (Persian, Devanagari, emoji sequences) and variation selectors.
"""

from __future__ import annotations

import unicodedata

LAYOUT_ONLY = frozenset(
    "\u061c"  # ARABIC LETTER MARK
    "\u200e\u200f"  # LEFT-TO-RIGHT and RIGHT-TO-LEFT MARK
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, overrides, POP DIRECTIONAL FORMATTING
    "\u2066\u2067\u2068\u2069"  # isolates and POP DIRECTIONAL ISOLATE
    "\ufeff"  # a byte order mark pasted along with the name
)
_STRIP_LAYOUT = str.maketrans(dict.fromkeys(LAYOUT_ONLY))

# Letters and symbols that render as nothing: the Hangul fillers and the blank Braille
# pattern are the usual ways to make a name that looks empty.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")


def normalize_name(name: str) -> str:
    """The name in NFC, without the characters that only steer layout, trimmed."""
    return unicodedata.normalize("NFC", name.translate(_STRIP_LAYOUT)).strip()


def has_visible(text: str) -> bool:
    """True when some character shows: a letter, digit, punctuation or symbol, not only
    spaces, marks, format characters or blanks."""
    return any(unicodedata.category(c)[0] in "LNPS" and c not in _BLANK for c in text)
