"""Scored signs of comment spam. Comment spam is rarely rude: it is polite self-promotion,
commercial offers, appeals and links. Each sign below has a weight, set by judgement of what
such spam looks like in general (not fitted to any data set); the weights combine as a
noisy-OR, so several weak signs add up while one alone stays weak. The learned filter and
the author's reputation add to these.

Every sign is found in one pass over the words or behind a cheap test, because the checks
run on every comment (see bench/README.md for their cost)."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable

from services.core.checks.links import host_of
from services.core.checks.signal import Action, Signal
from services.core.text import WordSplitter, may_repeat

# fmt: off
PHRASE_SIGNS: dict[str, tuple[float, str, tuple[str, ...]]] = {
    "self_promotion": (0.5, "promotes the writer's own channel, site or profile", (
        "check out my", "check my", "visit my", "see my", "watch my", "listen to my",
        "my channel", "my youtube", "my new video", "my videos", "my music", "my page",
        "my site", "my website", "my blog", "my profile", "my shop", "my store", "my song",
        "my rap", "my mixtape", "my band", "my app", "my book", "our channel", "our website",
        "our site", "our page", "our new", "our music", "follow me", "follow my", "like my",
        "share my", "add me", "support me", "sub to my", "sub 4 sub", "sub4sub",
        "subscribe to my", "subscribe to me", "sub me", "subscribe me", "vote for me",
        "check me out", "check us out", "check our", "my playlist", "my podcast", "my stream",
        "my instagram", "my twitter", "my tiktok", "my twitch", "my facebook", "my art",
        "my business", "my company", "my product", "our product", "our company", "our store",
        "our shop", "our app",
    )),
    "subscribe": (0.35, "asks for subscribers", ("subscribe", "subscribers", "subs")),
    "call_to_action": (0.3, "urges the reader to click, visit or act", (
        "click here", "click the link", "click on", "go to", "visit", "sign up", "join now",
        "register now", "apply now", "call now", "text now", "claim", "order now", "buy now",
        "don't miss", "act now", "limited time",
    )),
    "appeal": (0.3, "appeals to the reader for attention, votes or money", (
        "check out", "check it out", "check this out", "please help", "help me get", "donate",
        "donation", "fundraiser", "gofundme", "vote for", "please share", "spread the word",
    )),
    "commercial": (0.3, "commercial or money-making words", (
        "free", "win", "winner", "won", "prize", "cash", "earn", "income", "make money",
        "work from home", "per day", "per week", "per month", "investment", "invest",
        "bitcoin", "crypto", "forex", "casino", "loan", "loans", "discount", "coupon",
        "promo code", "offer", "cheap", "sale", "deal", "guaranteed", "bonus", "reward",
        "viagra", "pills", "weight loss", "followers", "likes", "gift card", "gift cards",
        "paypal", "extra money", "money online",
    )),
    "contact": (0.4, "asks to be contacted, or gives a phone number", (
        "whatsapp", "telegram", "txt", "text me", "dm me", "message me", "contact me",
        "call me", "reply stop", "reply yes", "reply no",
    )),
    "money": (0.3, "amounts of money", ("dollars", "usd", "eur", "gbp", "bucks", "$$")),
}
SHORTENERS = frozenset({
    "bit.ly", "goo.gl", "tinyurl.com", "t.co", "ow.ly", "is.gd", "buff.ly", "adf.ly",
    "shorturl.at", "cutt.ly", "rebrand.ly", "tiny.cc", "rb.gy", "linkbucks.com", "shorte.st",
    "bc.vc", "soo.gd", "v.gd", "s.id", "t.ly", "lnkd.in",
})
# fmt: on

LINK_WEIGHT = 0.5
"""A link in a comment: the commonest sign of spam, and common in genuine comments too. At
0.5 a link alone holds the comment for a moderator, until the author has earned trust."""
SHORTENER_WEIGHT = 0.6
"""A link through a URL shortener hides where it goes: genuine writers rarely need one."""
DOMAIN_WEIGHT = 0.4
"""A web site named without a link (`example.com`, `example . com`): a way round link limits."""
LINK_ONLY_WEIGHT = 0.6
SHOUTING_WEIGHT = 0.3
REPEATS_WEIGHT = 0.15
AUTHOR_URL_WEIGHT = 0.1
AUTHOR_NAME_WEIGHT = 0.4

_PUNCTUATION_TO_SPACES = str.maketrans(
    {c: " " for c in string.punctuation if c not in "'$"} | {"\u2019": "'"}
)
_PHONE = re.compile(r"\+?\d[\d\s().-]{8,}\d")
_AMOUNT = re.compile(r"[$£€¥]\s?\d")
_DIGIT_BYTES = string.digits.encode()
_LETTER_BYTES = string.ascii_letters.encode()
_UPPER_BYTES = string.ascii_uppercase.encode()
_WEBSITE = re.compile(
    r"(?i)https?://|www\.|\w\.(?:com|net|org|info|biz|xyz|io|co|shop|online|site|store)\b"
)
_LETTERS = re.compile(r"[^\W\d_]")
_TLDS = "(?:com|net|org|info|biz|io|co|me|tv|ru|xyz|online|site|shop|store|app|ly|gl)(?![\\w-])"
_BARE_DOMAIN = re.compile(r"(?i)(?<![\w@.-])[a-z0-9][a-z0-9-]{1,62}\s?\.\s?" + _TLDS)
# What every bare domain holds, starting with a literal the engine skips along to: a test
# tens of times cheaper than `_BARE_DOMAIN`, which tries every position.
_TLD = re.compile(r"(?i)\.\s?" + _TLDS)


class PhraseIndex:
    """Whole-word phrases of several signs, found in one pass over a text's words by looking
    each word up by the phrases' first words. (An alternation regex tries every phrase at
    every position, which costs ten times more.)"""

    def __init__(self, signs: dict[str, tuple[float, str, tuple[str, ...]]]) -> None:
        # Phrases by their first word, and by their first two: a word is compared only with
        # the phrases that can start there.
        self._by_start: dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]] = {}
        for name, (_, _, phrases) in signs.items():
            for phrase in phrases:
                words = tuple(phrase.casefold().split())
                self._by_start.setdefault(words[:2], []).append((name, words))
        self._firsts = frozenset(start[0] for start in self._by_start)

    def find(self, words: list[str]) -> dict[str, dict[str, None]]:
        """For each sign found: its phrases found, in order of appearance."""
        hits: list[tuple[int, str, tuple[str, ...]]] = []
        by_start = self._by_start
        for first in self._firsts.intersection(words):  # few or none: the loops are in C
            i = words.index(first)
            while i >= 0:
                for start in ((first,), tuple(words[i : i + 2])):
                    hits += [
                        (i, name, phrase)
                        for name, phrase in by_start.get(start, ())
                        if len(phrase) < 3 or tuple(words[i : i + len(phrase)]) == phrase
                    ]
                i = _index(words, first, i + 1)
        found: dict[str, dict[str, None]] = {}
        for _, name, phrase in sorted(hits):
            found.setdefault(name, {})[" ".join(phrase)] = None
        return found


def _index(words: list[str], word: str, start: int) -> int:
    try:
        return words.index(word, start)
    except ValueError:
        return -1


_INDEX = PhraseIndex(PHRASE_SIGNS)


def _words_of_any(text: str) -> list[str]:
    return text.casefold().translate(_PUNCTUATION_TO_SPACES).split()


_KEPT = "".join(chr(c) for c in range(128) if chr(c) not in string.punctuation) + "'$"
_ASCII_WORDS = WordSplitter(_KEPT, _words_of_any)


def words_of(text: str) -> list[str]:
    """Lower case, split at white space and at punctuation other than `'` and `$`."""
    return _ASCII_WORDS(text.lower()) if text.isascii() else _words_of_any(text)


def spam_signs(content: str, author_name: str, author_url: str, links: list[str]) -> list[Signal]:
    """The signs in a comment whose `links` (services.core.checks.links.find_links) are known."""
    found = _INDEX.find(words_of(content))
    if _count(content, _DIGIT_BYTES, str.isdigit) >= 9 and (phones := _PHONE.findall(content)):
        found.setdefault("contact", {}).update(dict.fromkeys(p.strip() for p in phones))
    if any(symbol in content for symbol in "$£€¥") and (amounts := _AMOUNT.findall(content)):
        found.setdefault("money", {}).update(dict.fromkeys(amounts))
    signals = [
        Signal(f"spam:{name}", Action.SCORE, weight, detail, tuple(found[name]))
        for name, (weight, detail, _) in PHRASE_SIGNS.items()
        if name in found
    ]
    signals += _link_signs(content, links)
    if content.lower() != content and _shouting(content):
        signals.append(Signal("spam:shouting", Action.SCORE, SHOUTING_WEIGHT, "mostly capitals"))
    if may_repeat(content, 5) and (
        repeats := tuple(
            sorted(c * 5 for c in set(content) if not c.isspace() and c * 5 in content)
        )
    ):
        signals.append(
            Signal("spam:repeats", Action.SCORE, REPEATS_WEIGHT, "characters repeated", repeats)
        )
    if author_url:
        signals.append(
            Signal("spam:author_url", Action.SCORE, AUTHOR_URL_WEIGHT, "the author gives a URL")
        )
    if "commercial" in _INDEX.find(words_of(author_name)) or _WEBSITE.search(author_name):
        signals.append(
            Signal("spam:author_name", Action.SCORE, AUTHOR_NAME_WEIGHT, "the name advertises")
        )
    return signals


def _shouting(content: str) -> bool:
    letters = _count(content, _LETTER_BYTES, str.isalpha)
    return letters >= 12 and _count(content, _UPPER_BYTES, str.isupper) >= 0.7 * letters


def _count(text: str, ascii_bytes: bytes, test: Callable[[str], bool]) -> int:
    """How many characters of `text` pass `test`; in C for ASCII text (most comments)."""
    if text.isascii():
        data = text.encode()
        return len(data) - len(data.translate(None, ascii_bytes))
    return sum(map(test, text))


def _link_signs(content: str, links: list[str]) -> list[Signal]:
    if not links:
        if _TLD.search(content) and (domains := _distinct_matches(_BARE_DOMAIN, content)):
            return [Signal("spam:domain", Action.SCORE, DOMAIN_WEIGHT, "names a web site", domains)]
        return []
    signals = [Signal("spam:link", Action.SCORE, LINK_WEIGHT, "contains a link", tuple(links[:5]))]
    hosts = {host_of(link) for link in links}
    if shortened := tuple(sorted(h for h in hosts if h and h.removeprefix("www.") in SHORTENERS)):
        signals.append(
            Signal("spam:shortener", Action.SCORE, SHORTENER_WEIGHT, "a shortened link", shortened)
        )
    rest = content
    for link in links:
        rest = rest.replace(link, " ")
    if len(_LETTERS.findall(rest)) < 15:
        signals.append(Signal("spam:link_only", Action.SCORE, LINK_ONLY_WEIGHT, "little but links"))
    return signals


def _distinct_matches(pattern: re.Pattern[str], text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.group().casefold() for m in pattern.finditer(text)))


def noisy_or(scores: Iterable[float]) -> float:
    """The chance that at least one of several independent signs is right."""
    remaining = 1.0
    for score in scores:
        remaining *= 1.0 - max(0.0, min(1.0, score))
    return 1.0 - remaining
