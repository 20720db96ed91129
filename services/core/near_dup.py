"""Near-duplicate texts: a MinHash signature of a comment's words, cut into LSH bands, so two
texts that share most of their words (a campaign's copies with a word changed, a link
swapped) share at least one band with high probability while unrelated texts rarely do.

Shingles are the words and word pairs of the folded text, links left out: changing one word
of a 12-word text keeps about three quarters of them (Jaccard 0.75), which 8 bands of 4 rows
link with probability 0.95; texts sharing half their shingles link with probability 0.4, a
third 0.1. The 32 hash functions are the 32 16-bit words of one BLAKE2b digest per shingle, and the
signature their minima: one C hash call per shingle, and the minima taken by `zip` and
`min` in C. Only the first `MAX_WORDS` words count, which bounds the cost.
"""

from __future__ import annotations

import hashlib
import struct

from services.core.checks.links import find_links
from services.core.checks.spam_heuristics import words_of
from services.core.text import fold

BANDS = 8
ROWS = 4
MAX_WORDS = 20
"""A campaign's copies are alike from their first words; the rest adds cost, not evidence."""
_LANES = struct.Struct(f"<{BANDS * ROWS}H")
"""One 64-byte BLAKE2b digest read as 32 16-bit hash values: the 32 hash functions."""


def shingles(content: str) -> set[str]:
    """The words and word pairs of the text's opening, its links left out: a campaign swaps
    its links, and readers citing the same source say different things around it."""
    for link in find_links(content):
        content = content.replace(link, " ")
    # Only the opening counts, so only the opening is folded (a word cut at the end is cut
    # the same way in every copy).
    words = words_of(fold(content[: MAX_WORDS * 16]))[:MAX_WORDS]
    found = set(words)
    found.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return found


def bands(content: str) -> list[str]:
    """The text's LSH bands, each its number and its rows' values: texts alike share some.
    Empty for a text without words outside its links."""
    found = shingles(content)
    if not found:
        return []
    digests = [_LANES.unpack(hashlib.blake2b(s.encode(), digest_size=64).digest()) for s in found]
    signature = _LANES.pack(*map(min, zip(*digests, strict=True))).hex()
    width = 4 * ROWS  # hex digits per band
    return [f"{b}:{signature[b * width : (b + 1) * width]}" for b in range(BANDS)]
