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
import string
from collections.abc import Iterable, Iterator, Mapping

from services.core.checks.evasion_text import EDGES, Hit, phrase_pattern, trimmed
from services.core.checks.evasion_words import Vocabulary
from services.core.checks.lookalikes import to_ascii
from services.core.checks.terms import Term
from services.core.text import NON_ASCII, WordSplitter, may_repeat

# `1` and `|` stand for `i` or `l`: a word is read both ways.
_LEET = str.maketrans("0134579@$!|+", "oieastgasiit")
_LEET_L = str.maketrans("0134579@$!|+", "oleastgasilt")
_WORD = re.compile(r"[a-z]+")
# A word that may hide a term: a digit, symbol or non-ASCII letter inside it, a separator
# between two letters, or a letter three times in a row.
# A word that may hide a term: a symbol, digit or non-ASCII letter touching a letter (not
# `2026` or `40%`), a separator between two letters, or a letter three times in a row. Each
# alternative starts with a character class, so the engine skips along to candidates.
_SUSPECT = re.compile(
    r"[^\sa-z,.!?;:\"()\[\]'’](?:(?<=[a-z].)|(?=[a-z]))|[.\-_~!|](?<=[a-z].)(?=[a-z])"
)
# A leetspeak character or a run touching a letter: a phrase may be disguised.
_DISGUISED = re.compile(r"[a-z][0134579@$!|+]|[0134579@$!|+][a-z]|([a-z])\1\1")
_RUN3 = re.compile(r"([a-z])\1\1")
_SEPARATORS = re.compile(r"[\-._~'’]")
_MASK = re.compile(r"[^a-z]")
_NON_LATIN = re.compile(r"[^\x00-\x7f]")
# Inside a word, these mean something else than a hidden letter: `:-)`, `&lt;`, `a/b`, `8`.
_FOREIGN = re.compile(r"[&;:/\\=<>()\[\]{}^~`,268]|\.[a-z]{2,}\.|[a-z]{2,}\.[a-z]{2,}")
_RUNS3 = re.compile(r"([a-z])\1\1+")
_RUNS2 = re.compile(r"([a-z])\1+")
# Three or more single letters (or leetspeak digits) with separators between: `b a b y`.
_SPACED = re.compile(
    r"[a-z0-9@$!](?<![a-z0-9].)(?:[\s._\-~+*/\\|,:;]{1,3}[a-z0-9@$!](?![a-z0-9])){2,}"
)
_SPACING = re.compile(r"[\s._\-~+*/\\|,:;]")
# Two of `_SPACED`'s spaced letters, starting with a separator: the engine skips along to
# separators instead of trying `_SPACED` at every letter.
_TWO_SPACED = re.compile(
    r"[\s._\-~+*/\\|,:;][a-z0-9@$!](?![a-z0-9])[\s._\-~+*/\\|,:;]{1,3}[a-z0-9@$!](?![a-z0-9])"
)
_WORDS = WordSplitter(string.ascii_lowercase, _WORD.findall)


def spelled(text: str) -> str:
    """A term's or word's spelling: look-alikes Latin, leetspeak read (`1` as `i`)."""
    return to_ascii(text).translate(_LEET)


def spellings(text: str) -> set[str]:
    """Both readings of `1` and `|`: as `i` and as `l`."""
    plain = to_ascii(text)
    return {plain.translate(_LEET), plain.translate(_LEET_L)}


OFFENSIVE_WEIGHT = 10.0
"""A known word pushing this far towards toxicity (the model's top 1%: `dumb`, `shithead`)
is not taken for a clean one; below it (`lost`, `bus`, `face`) it is."""


class EvasionMatcher:
    def __init__(
        self,
        terms: dict[str, Term],
        ordinary: Iterable[str],
        known: Mapping[str, float],
        allowlist: Iterable[str] = (),
    ) -> None:
        """`ordinary`: dictionary words; `known`: words a model knows, each with how far it
        points at offence (clean below `OFFENSIVE_WEIGHT`); `allowlist`: words never counted, nor
        terms spelled the same (`he11` is `hell`)."""
        allowed = {form for w in allowlist for form in spellings(w)}
        terms = {t: term for t, term in terms.items() if not spellings(t) & allowed}
        self.terms: dict[str, Term] = {}
        self._phrases: dict[str, Term] = {}
        starts: set[tuple[str, ...]] = set()
        # Plain spellings first, so a reason names `shit` rather than `sh!+`.
        for text, term in sorted(terms.items(), key=lambda item: not item[0].isalpha()):
            if " " in text.strip():
                words = " ".join(to_ascii(text).translate(_LEET).split())
                self._phrases.setdefault(_RUNS2.sub(r"\1", words), term)
                starts.add(tuple(words.split()[:2]))
            for form in spellings(text):
                self.terms.setdefault(form.replace(" ", ""), term)
        self.known: dict[str, float] = {}
        for word, weight in known.items():
            form = spelled(word)
            self.known[form] = max(weight, self.known.get(form, weight))
        clean = {spelled(w) for w in ordinary} | allowed
        clean.update(w for w, weight in self.known.items() if weight < OFFENSIVE_WEIGHT)
        self.clean = frozenset(clean - set(self.terms))
        self._phrase_pattern = phrase_pattern(self._phrases)
        # A phrase's first two words, as written and with runs collapsed: a cheap test of
        # whether any phrase can start in a text.
        starts.update(tuple(p.split()[:2]) for p in self._phrases)
        self._first_pairs = frozenset(starts)
        self._first_words = frozenset(pair[0] for pair in starts)
        self._phrase_words = frozenset(
            _RUNS2.sub(r"\1", w) for p in self._phrases for w in p.split()
        )
        self.words = Vocabulary(self.terms, self.known, self.clean)

    def find(self, text: str) -> list[Hit]:
        cased = to_ascii(text, lower=False)
        plain = cased.lower()
        hits = self._find_in(cased if len(cased) == len(plain) else plain, plain)
        if not hits or len(plain) == len(text):
            return hits
        # A character became none or several: the spans back in the text, only when needed.
        origin = _origin(text)
        if len(origin) != len(plain):
            return []  # not expected: per-character folding differs from whole-text folding
        return [Hit(origin[h.start], origin[h.end - 1] + 1, h.term) for h in hits]

    def term_of(self, word: str) -> Term | None:
        """The term a word found by better-profanity's matcher stands for, if listed here."""
        form = _SEPARATORS.sub("", spelled(word.strip(EDGES)))
        return self.terms.get(form) or self.terms.get(_RUNS3.sub(r"\1", form))

    def _find_in(self, cased: str, plain: str) -> list[Hit]:
        """Hits in `plain`, the text folded; `cased` is the same with its capitals."""
        hits = []
        words = set(_WORDS(plain))
        if unknown := words - self.clean:  # else, the common case
            hits = [
                Hit(m.start(), m.end(), term)
                for m in _WORD.finditer(plain)
                if m.group() in unknown and (term := self.words.word(m.group(), cased[m.start()]))
            ]
        suspects = list(self._suspects(plain))
        for start, end in suspects:
            if term := self._disguised(plain[start:end], cased[start]):
                hits.append(trimmed(plain, start, end, term))
        for m in _SPACED.finditer(plain) if _TWO_SPACED.search(plain) else ():
            for form in spellings(_SPACING.sub("", m.group())):
                if term := self.words.exact(form):
                    hits.append(Hit(m.start(), m.end(), term))
                    break
        disguised = any(self._phrase_word(plain[a:b]) for a, b in suspects)
        if self._phrase_pattern is not None and (disguised or words & self._first_words):
            forms = (
                {plain, plain.translate(_LEET), plain.translate(_LEET_L)} if disguised else {plain}
            )
            for form in forms:
                tokens = _WORD.findall(_RUNS2.sub(r"\1", form) if disguised else form)
                if not set(zip(tokens, tokens[1:], strict=False)) & self._first_pairs:
                    continue  # no phrase can start here: the common case
                for m in self._phrase_pattern.finditer(form):
                    key = _RUNS2.sub(r"\1", " ".join(m.group().split()))
                    hits.append(Hit(m.start(), m.end(), self._phrases[key]))
        return hits

    def _phrase_word(self, chunk: str) -> bool:
        """Whether a disguised word may be a phrase's (`b4ll` in `b4ll gag`)."""
        if not _DISGUISED.search(chunk):
            return False
        word = chunk.strip(EDGES)
        return any(
            _RUNS2.sub(r"\1", _SEPARATORS.sub("", word.translate(leet))) in self._phrase_words
            for leet in (_LEET, _LEET_L)
        )

    def _suspects(self, plain: str) -> Iterator[tuple[int, int]]:
        """Spans of the whitespace-separated words `_SUSPECT` finds something in."""
        last_end = -1
        found = list(_SUSPECT.finditer(plain))
        if may_repeat(plain, 3) and any(c * 3 in plain for c in set(plain) if "a" <= c <= "z"):
            found = sorted(found + list(_RUN3.finditer(plain)), key=lambda m: m.start())
        for m in found:
            if m.start() < last_end:
                continue
            start = max(plain.rfind(c, 0, m.start()) for c in " \n\t") + 1
            ends = [e for c in " \n\t" if (e := plain.find(c, m.end())) >= 0]
            last_end = min(ends) if ends else len(plain)
            yield start, last_end

    def _disguised(self, chunk: str, first: str) -> Term | None:
        word = chunk.strip(EDGES) or chunk
        if not re.search("[a-z]", word) or _FOREIGN.search(word):
            return None  # a number (`455` is not `ass`), an emoticon, an entity, a URL
        if len(_NON_LATIN.findall(word)) > 1:
            return None  # another script's word, not a Latin one with a symbol in it
        for form in {word.translate(_LEET), word.translate(_LEET_L)}:
            if term := self._decode(form, first):
                return term
        return None

    def _decode(self, form: str, first: str) -> Term | None:
        joined = _SEPARATORS.sub("", form)
        if not _MASK.search(joined):
            if "." in form or "'" in form or "’" in form:  # `f.u.c.k`, not `title.so`
                return self.words.exact(joined)
            word = self.words.word(joined, first)
            return word or (self.words.masked(form) if _MASK.search(form) else None)
        return self.words.masked(form) or self.words.masked(joined)


def _origin(text: str) -> list[int]:
    """For each character of `to_ascii(text)`, its index in `text`: ASCII stretches as
    ranges, each other character as many times as it folds to characters."""
    origin: list[int] = []
    position = 0
    for match in NON_ASCII.finditer(text):
        index = match.start()
        origin.extend(range(position, index))
        origin.extend([index] * len(to_ascii(match.group())))
        position = index + 1
    origin.extend(range(position, len(text)))
    return origin
