"""The second matcher: listed terms behind the disguises better-profanity's semantics miss.

Each form is undone on its own, then the result looked up among the terms (all in one
spelling: look-alikes made Latin, leetspeak read, `l` and `i` one letter, as `1` and `|`
stand for both):
- look-alikes (UTS #39 confusables) and default-ignorable code points, in the whole text;
- leetspeak (`$h1t`), only in words that hold a letter, so `455` stays a number;
- masked letters (`f*ck`, `f**k`, `motherf***er`, `f-ck`, and a symbol that stands for no
  letter, `ᑕ`): each mask one unknown letter, the word's length kept;
- separators inside a word (`f.u.c.k`, `fu-ck`) taken out;
- repeated letters (`fuuuck`, `shiiit`) cut;
- joined words (`fuckyou`, `dumbshit`) and a prefixed letter (`xfuck`): a term at either end
  of a word whose rest is a known word, a term, or one letter.
Known clean words never count: a word the toxicity model's vocabulary knows and counts as
inoffensive (`assess`, `cocktail`, `spicy`) is not taken apart; a capitalised word is not
taken apart (`Cockburn`, `Scunthorpe`); a name-like term (`Dick`) is not counted beside
another capitalised word (`Dick Cheney`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from services.core.checks.lookalikes import to_ascii
from services.core.checks.terms import Term

_LEET = str.maketrans("0134579@$!|+l", "oieastgasiiti")
_LETTERS_ONLY = str.maketrans("l", "i")
_WORD = re.compile(r"[a-z]+")
# A word that may hide a term: a digit, symbol or non-ASCII letter inside it, a separator
# between two letters, or a letter three times in a row.
_SUSPECT = re.compile(r"[^\sa-z'’,.!?;:\"()\[\]]|[a-z][\-._~'’!|][a-z]|([a-z])\1\1")
_SEPARATORS = re.compile(r"[\-._~'’]")
_MASK = re.compile(r"[^a-z]")
_EDGES = "\"'“”‘’()[]{}<>.,;:!?"
_RUNS3 = re.compile(r"([a-z])\1\1+")
_RUNS2 = re.compile(r"([a-z])\1+")
_INFLECTIONS = ("s", "es", "ed", "d", "er", "ers", "ing")


def spelled(text: str) -> str:
    """A term's or word's one spelling: look-alikes Latin, leetspeak read, `l` as `i`."""
    return to_ascii(text).translate(_LEET)


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    """Half-open span in the text given to `find`."""
    term: Term


class EvasionMatcher:
    def __init__(
        self, terms: dict[str, Term], ordinary: Iterable[str], known: Mapping[str, float]
    ) -> None:
        """`ordinary`: dictionary words; `known`: words a model knows, each with how far it
        points at offence (at most 0 when clean)."""
        self.terms: dict[str, Term] = {}
        self._phrases: dict[str, Term] = {}
        # Plain spellings first, so a reason names `shit` rather than `sh!+`.
        for text, term in sorted(terms.items(), key=lambda item: not item[0].isalpha()):
            if " " in text.strip():
                words = to_ascii(text).translate(_LETTERS_ONLY).split()
                self._phrases.setdefault(" ".join(words), term)
            self.terms.setdefault(spelled(text).replace(" ", ""), term)
        self.known: dict[str, float] = {}
        for word, weight in known.items():
            form = spelled(word)
            self.known[form] = max(weight, self.known.get(form, weight))
        clean = {spelled(w) for w in ordinary}
        clean.update(w for w, weight in self.known.items() if weight <= 0)
        self.clean = frozenset(clean - set(self.terms))
        self._phrase_pattern = _phrase_pattern(self._phrases)
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for form in self.terms:
            self._by_length[len(form)].append(form)

    def find(self, text: str) -> list[Hit]:
        plain = to_ascii(text)
        if len(plain) != len(text):  # a character became none or several: spans by word
            hits = list(self._find_by_word(text))
        else:
            hits = self._find_in(text, plain)
        return [h for h in hits if not _is_name(text, h)]

    def _find_in(self, text: str, plain: str) -> list[Hit]:
        letters = plain.translate(_LETTERS_ONLY)
        hits = []
        if set(_WORD.findall(letters)) - self.clean:  # the common case: every word known
            hits = [
                Hit(m.start(), m.end(), term)
                for m in _WORD.finditer(letters)
                if (term := self._word(m.group(), text[m.start()]))
            ]
        for start, end in self._suspects(plain):
            if term := self._disguised(plain[start:end], text[start]):
                hits.append(Hit(start, end, term))
        if self._phrase_pattern is not None:
            for m in self._phrase_pattern.finditer(letters):
                hits.append(Hit(m.start(), m.end(), self._phrases[" ".join(m.group().split())]))
        return hits

    def _find_by_word(self, text: str) -> Iterator[Hit]:
        for chunk in re.finditer(r"\S+", text):
            word = chunk.group()
            plain = to_ascii(word)
            if len(plain) == len(word):
                for hit in self._find_in(word, plain):
                    yield Hit(chunk.start() + hit.start, chunk.start() + hit.end, hit.term)
            elif term := self._disguised(plain, word[0]):
                yield Hit(chunk.start(), chunk.end(), term)

    def _suspects(self, plain: str) -> Iterator[tuple[int, int]]:
        """Spans of the whitespace-separated words `_SUSPECT` finds something in."""
        last_end = -1
        for m in _SUSPECT.finditer(plain):
            if m.start() < last_end:
                continue
            start = max(plain.rfind(c, 0, m.start()) for c in " \n\t") + 1
            ends = [e for c in " \n\t" if (e := plain.find(c, m.end())) >= 0]
            last_end = min(ends) if ends else len(plain)
            yield start, last_end

    def _disguised(self, chunk: str, first: str) -> Term | None:
        word = chunk.strip(_EDGES) or chunk
        if not re.search("[a-z]", word):
            return None  # a number or symbols: `455` is not `ass`
        spelled = word.translate(_LEET)
        form = word.translate(_LEET)
        joined = _SEPARATORS.sub("", form)
        if not _MASK.search(joined):
            return self._word(joined, first) or self._masked(_MASK.sub(".", form))
        return self._masked(_MASK.sub(".", form)) or self._masked(_MASK.sub(".", joined))

    def _masked(self, masked: str) -> Term | None:
        letters = len(masked) - masked.count(".")
        if letters < 2 or letters * 2 < len(masked):
            return None
        found = [
            form
            for form in self._by_length.get(len(masked), ())
            if all(m == "." or m == s for m, s in zip(masked, form, strict=True))
        ]
        # Of the terms the masks allow, the one the model knows as the most offensive.
        known = self.known
        return self.terms[max(found, key=lambda f: known.get(f, 0.0))] if found else None

    def _word(self, word: str, first: str) -> Term | None:
        """A term, the word as it stands, with runs cut, or taken apart at a known join."""
        if (term := self.terms.get(word)) or len(word) < 4 or self._ordinary(word):
            return term
        for squeezed in {_RUNS3.sub(r"\1", word), _RUNS3.sub(r"\1\1", word)}:
            if term := self.terms.get(squeezed):
                return term
        if _RUNS2.search(word) and (term := self.terms.get(_RUNS2.sub(r"\1", word))):
            return term
        if first.isupper() and not word.isupper():
            return None  # a capitalised word is a name: Cockburn, Scunthorpe
        return self._joined(word)

    def _ordinary(self, word: str) -> bool:
        """A known clean word, or one inflected (`spices`, `cocktails`)."""
        clean = self.clean
        return word in clean or any(
            word.endswith(end) and word[: -len(end)] in clean for end in _INFLECTIONS
        )

    def _joined(self, word: str) -> Term | None:
        """A term of four letters or more joined to a known word, a term or one letter in
        front (`dumbshit`, `xfuck`), or to a known word, a term or an inflection behind
        (`fuckyou`, `cuntface`, `twatting`)."""
        terms = self.terms
        for cut in range(1, len(word) - 3):
            head, tail = word[:cut], word[cut:]
            if (term := terms.get(tail)) and (cut == 1 or self._part(head)):
                return term
        for cut in range(4, len(word)):
            head, tail = word[:cut], word[cut:]
            if (term := terms.get(head)) and (
                tail in _INFLECTIONS
                or (tail[0] == head[-1] and tail[1:] in _INFLECTIONS)  # twatting
                or (len(tail) >= 3 and self._part(tail))
            ):
                return term
        return None

    def _part(self, word: str) -> bool:
        return word in self.terms or word in self.known or self._ordinary(word)


def _is_name(text: str, hit: Hit) -> bool:
    """A name-like term written as a name beside another capitalised word: Dick Cheney."""
    if hit.term.category != "name" or not text[hit.start].isupper():
        return False
    before = text[: hit.start].split()
    after = text[hit.end :].split()
    return bool((before and before[-1][:1].isupper()) or (after and after[0][:1].isupper()))


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    body = "|".join(
        r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True)
    )
    return re.compile(rf"(?<![a-z])(?:{body})(?![a-z])") if body else None
