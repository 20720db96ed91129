"""What one word decodes to, once the evasion matcher has found it in a text: a listed term
as it stands, with its masks filled in (`f*ck`), its runs cut (`fuuuck`) or taken apart at a
join (`dumbshit`, `xfuck`), or nothing for a known clean word (`assess`, `westshore`)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping

from services.core.checks.terms import Term

_MASK = re.compile(r"[^a-z]")
_RUNS3 = re.compile(r"([a-z])\1\1+")
_RUNS2 = re.compile(r"([a-z])\1+")
_INFLECTIONS = ("s", "es", "ed", "d", "er", "ers", "ing")


class Vocabulary:
    def __init__(
        self, terms: Mapping[str, Term], known: Mapping[str, float], clean: frozenset[str]
    ) -> None:
        """`terms` by their spelling; `known`: words a model knows, with how far each points
        at offence; `clean`: words never taken for a term."""
        self.terms, self.known, self.clean = terms, known, clean
        # Terms by length and first letter, and by length alone (for a masked first letter).
        self._by_shape: dict[tuple[int, str], list[str]] = defaultdict(list)
        for form in terms:
            self._by_shape[(len(form), form[0])].append(form)
            self._by_shape[(len(form), ".")].append(form)

    def exact(self, word: str) -> Term | None:
        return self.terms.get(word) or self.terms.get(_RUNS3.sub(r"\1", word))

    def masked(self, form: str) -> Term | None:
        """A term of the same length whose letters agree where the word has letters: at
        least two of them, and half; with only two, the masks must be `*`, `#`, `%`, `?`."""
        masked = _MASK.sub(".", form)
        letters = len(masked) - masked.count(".")
        if letters < 2 or letters * 2 < len(masked):
            return None
        if letters == 2 and re.sub("[a-z]", "", form).strip("*#%?"):
            return None
        found = [
            form
            for form in self._by_shape.get((len(masked), masked[0]), ())
            if all(m == "." or m == s for m, s in zip(masked, form, strict=True))
        ]
        # Of the terms the masks allow, the one the model knows as the most offensive.
        known = self.known
        return self.terms[max(found, key=lambda f: known.get(f, 0.0))] if found else None

    def word(self, word: str, first: str) -> Term | None:
        """A term, the word as it stands, with runs cut, or taken apart at a known join."""
        if (term := self.terms.get(word)) or len(word) < 4 or self.ordinary(word):
            return term
        for squeezed in {_RUNS3.sub(r"\1", word), _RUNS3.sub(r"\1\1", word)}:
            if term := self.terms.get(squeezed):
                return term
        once = _RUNS2.sub(r"\1", word)
        if len(once) >= 4 and once != word and (term := self.terms.get(once)):
            return term
        if first.isupper() and not word.isupper():
            return None  # a capitalised word is a name: Cockburn, Scunthorpe
        if self._two_words(word):
            return None  # `westshore`, `blogspot`: two known words, neither listed
        return self._joined(word)

    def _two_words(self, word: str) -> bool:
        terms, known = self.terms, self.known
        return any(
            word[:cut] not in terms
            and word[cut:] not in terms
            and (word[:cut] in known or self.ordinary(word[:cut]))
            and (word[cut:] in known or self.ordinary(word[cut:]))
            for cut in range(3, len(word) - 2)
        )

    def ordinary(self, word: str) -> bool:
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
        return word in self.terms or word in self.known or self.ordinary(word)
