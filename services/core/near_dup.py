"""Near-duplicate texts: a MinHash signature of a comment's words, cut into LSH bands, so two
texts that share most of their words (a campaign's copies with a word changed, a link
swapped) share at least one band with high probability while unrelated texts rarely do.

Shingles are the words and word pairs of the folded text: changing one word of a 12-word
text keeps about three quarters of them (Jaccard 0.75), which 8 bands of 4 rows link with
probability 0.95; texts sharing half their shingles link with probability 0.4, a third 0.1.
The signature is one-permutation MinHash (Li, Owen, Zhang 2012): each shingle is hashed once
and the hash picks one of 32 slots, which keeps the smallest value it is given; two texts'
slots agree about as often as their Jaccard similarity. One hash per shingle keeps it cheap,
and only the first `MAX_WORDS` words count, which bounds it. A slot no shingle reached stays
`EMPTY` (equal in both texts when they are alike).
"""

from __future__ import annotations

import hashlib

from services.core.checks.spam_heuristics import words_of
from services.core.text import fold

BANDS = 8
ROWS = 4
MAX_WORDS = 40
"""A campaign's copies are alike from their first words; the rest adds cost, not evidence."""
EMPTY = 0xFFFFFFFF


def shingles(content: str) -> set[str]:
    words = words_of(fold(content))[:MAX_WORDS]
    found = set(words)
    found.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return found


def bands(content: str) -> list[str]:
    """The text's LSH bands, each its number and its rows' values: texts alike share some.
    Empty for a text without words."""
    found = shingles(content)
    if not found:
        return []
    width = BANDS * ROWS
    signature = [EMPTY] * width
    for shingle in found:
        h = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        slot, value = h % width, (h // width) & EMPTY
        if value < signature[slot]:
            signature[slot] = value
    return [
        f"{b}:" + "".join(f"{v:08x}" for v in signature[b * ROWS : (b + 1) * ROWS])
        for b in range(BANDS)
    ]
