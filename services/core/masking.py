"""Masking email addresses in text, including the usual disguises (`name at domain dot com`,
`name[at]domain[dot]com`, `name[@]domain[.]com`, full-width or look-alike letters, `&#64;`,
`%40`, a zero-width space, `"john doe"@example.com`, an address written backwards after a
right-to-left override, which a page shows forwards), without touching URLs, @handles or
prices.

Linear in the length of the text, whatever it holds: the text is read once into a canonical
copy (`address_text`), then each `@` is expanded left over the local part and right over the
domain. No pattern can backtrack: each run is matched by one possessive quantifier, and the
runs left and right of two `@`s never overlap (an `@` belongs to neither), so every character
is read a few times at most.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from services.core.address_text import AT, DOT, RLO, Canonical, canonical
from services.core.emails import mask_email

# Common top-level domains, to tell `jane at example dot com` from ordinary English.
_TLDS = frozenset(
    "com net org edu gov mil int info biz io co me us uk ca au de fr es it nl be ch at se no "
    "dk fi pl cz ru ua jp cn in br mx ar za nz ie pt gr tr kr tw hk sg eu app dev online "
    "site".split()
)
# An `@` that could be in an address: a local-part character before it, a label and a dot
# after it. Most `@`s of a hostile text are rejected here, in C.
_ANCHOR = re.compile(rf'(?<=[\w.%+"-])[@{AT}](?=[\w-]++[.{DOT}])')
# The local part, read leftwards from the `@` (on the reversed text): `*` is not in it, so
# a masked `j***@e***.com` holds no address.
_LOCAL_REVERSED = re.compile(r"[\w.%+-]*+")
_LOCAL_CHAR = re.compile(r"[\w.%+-]")
_DOMAIN = re.compile(rf"[\w.{DOT}-]*+")
_LABEL_SEPARATOR = re.compile(f"([.{DOT}])")
_TOP_LEVEL = re.compile(r"[^\W\d_]{2,63}")
_QUOTED_MAX = 64
_QUICK = re.compile(r"[@&%]|at|[^\x00-\x7f]", re.IGNORECASE)


class Address(NamedTuple):
    start: int
    end: int
    masked: str


def mask_emails(text: str) -> str:
    """Every address in `text` as `j***@e***.com`. Masking a masked text changes nothing."""
    if _QUICK.search(text) is None:
        return text
    masked = _masked(text, canonical(text))
    if RLO in masked:  # and as a page shows it: an override can show an address reversed
        masked = _masked(masked, canonical(masked, shown=True))
    return masked


def _masked(text: str, found: Canonical) -> str:
    # In source order: under an override, the addresses a page shows first may come last.
    spans = sorted((*found.original_span(a.start, a.end), a.masked) for a in addresses(found))
    parts, position = [], 0
    for start, end, masked in spans:
        if end <= position:
            continue  # within what the previous mask replaced
        start = max(start, position)
        parts.append(text[position:start])
        parts.append(masked)
        position = end
    if not parts:
        return text
    parts.append(text[position:])
    return "".join(parts)


def addresses(found: Canonical) -> Iterator[Address]:
    """The addresses in the canonical text, in order, as spans that do not overlap."""
    text = found.text
    reversed_text = text[::-1]
    done = 0
    for anchor in _ANCHOR.finditer(text):
        at = anchor.start()
        start, local = _local_part(text, reversed_text, at)
        domain = _domain(text, at + 1, spelled=anchor.group() == AT)
        if domain is None or not local:
            continue
        if start < done:  # the local part ran into the previous address: keep what is left
            start, local = done, text[done:at]
        end, labels = domain
        masked = mask_email(f"{local}@{'.'.join(labels)}")
        if text[start] == '"' and start > done and _LOCAL_CHAR.match(text, start - 1):
            masked = '"' + masked  # `x"jane"@...` -> `x"j***@...`: `xj***@` would read anew
        yield Address(start, end, masked)
        done = end


def _local_part(text: str, reversed_text: str, at: int) -> tuple[int, str]:
    if at > 0 and text[at - 1] == '"':
        opening = text.rfind('"', max(0, at - 2 - _QUOTED_MAX), at - 1)
        if opening >= 0 and "\n" not in text[opening:at]:
            return opening, text[opening + 1 : at - 1].strip()
    run = _LOCAL_REVERSED.match(reversed_text, len(text) - at)
    length = run.end() - run.start() if run else 0
    return at - length, text[at - length : at]


def _domain(text: str, position: int, *, spelled: bool) -> tuple[int, list[str]] | None:
    """Where the domain after an `@` ends, and its labels: up to the last label that is a
    top-level domain (any letters, or a known one when the address was spelled out)."""
    run = _DOMAIN.match(text, position)
    pieces = _LABEL_SEPARATOR.split(run.group()) if run else []
    best: tuple[int, int, str] | None = None  # where it ends, how many labels, the last one
    offset = position
    for k in range(0, len(pieces), 2):
        label = pieces[k]
        if not label:
            break
        if k:
            spelled = spelled or pieces[k - 1] == DOT
            if top := _top_level(label, spelled=spelled):
                best = (offset + len(top), k, top)
        offset += len(label) + 1
    if best is None:
        return None
    end, count, top = best
    return end, [*pieces[0:count:2], top]


def _top_level(label: str, *, spelled: bool) -> str:
    if spelled:
        return label if label.lower() in _TLDS else ""
    top = _TOP_LEVEL.match(label)
    return top.group() if top else ""
