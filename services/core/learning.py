"""Learning from moderators: a token-based Bayesian spam filter (Robinson's per-token
estimates combined by Fisher's chi-square method, as SpamBayes does) and author reputation.

The filter learns only from moderator decisions. Its features are the comment's words and
word pairs, the domains it links to, a few shape features, and which of the fixed checks
fired: so it also learns how far to trust each check on this site. Its score is blended with
the fixed checks' score by how much it has seen of both spam and genuine comments, so a new
site starts from the checks alone and hands over as moderators decide.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from services.core.checks.links import find_links, host_of
from services.core.checks.spam_heuristics import words_of
from services.core.text import fold

STRENGTH = 0.45
"""Robinson's s: how strongly an unseen or rarely seen token is pulled towards 0.5."""
NEUTRAL = 0.5
"""Robinson's x: the probability assumed for a token never seen."""
MIN_DISTANCE = 0.1
"""Tokens whose estimate is within this of 0.5 say nothing and are left out."""
MAX_CLUES = 150
"""At most this many of the strongest tokens decide a score."""
TRUST_AFTER = 20
"""Decisions of each kind (spam and genuine) after which the filter's score counts fully."""
SURE = 0.99
"""A score from which an unsettled filter counts fully whatever it knows of the comment: the
default `Rules.spam_score`, where its clues alone are near-certain."""
MAX_TOKENS = 400
"""A long comment is judged on its first tokens; enough to decide, bounded in cost."""
FUNCTION_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves i'm i've i'll i'd you're you've you'll you'd he's she's it's we're we've we'll
    they're they've they'll that's there's what's let's isn't aren't wasn't weren't don't
    doesn't didn't can't won't wouldn't shouldn't couldn't haven't hasn't""".split()
)
"""English closed-class words (articles, pronouns, prepositions, conjunctions, auxiliaries:
the common core of standard stop-word lists). Every comment of every medium is made of them,
so knowing them is not knowing the comment (`coverage`)."""


@dataclass(frozen=True)
class Learned:
    score: float
    """The filter's probability of spam, 0.5 when it knows nothing."""
    weight: float
    """How much the filter's score counts, from 0 (nothing learned) to 1; while it is not
    `settled`, scaled by the share of the comment's content words it knows (`coverage`)."""
    clues: tuple[tuple[str, float], ...]
    """The strongest tokens and their estimates, for the reasons a moderator reads."""
    settled: bool = False
    """Whether the site's own moderators have taught it `TRUST_AFTER` of each kind: until then
    its score, mostly a prior learned elsewhere (another medium, another audience), cannot
    overrule a rule that holds a comment for a person."""


def features(content: str, author_name: str, author_url: str, checks: Iterable[str]) -> list[str]:
    """The tokens the filter learns from and judges by; each counted once per comment."""
    words = [w for w in words_of(fold(content)) if 1 < len(w) <= 30]
    found: dict[str, None] = {}
    for i, word in enumerate(words):
        found.setdefault("#" if word.isdigit() else word, None)
        if i + 1 < len(words):
            found.setdefault(f"{word} {words[i + 1]}", None)
        if len(found) >= MAX_TOKENS:
            break
    for link in find_links(content):
        if host := host_of(link):
            found.setdefault(f"domain:{host.removeprefix('www.')}", None)
    found.setdefault(f"length:{_bucket(len(content))}", None)
    found.setdefault(f"words:{_bucket(len(words))}", None)
    if author_url:
        found.setdefault("author:url", None)
    for word in words_of(author_name)[:5]:
        found.setdefault(f"name:{word}", None)
    for check in checks:
        found.setdefault(f"check:{check}", None)
    return list(found)


def _bucket(n: int) -> int:
    """0, 1, 2, 4, 8, ...: the order of magnitude of a count."""
    return 0 if n == 0 else 1 << (n.bit_length() - 1)


def score(
    tokens: Sequence[str],
    spam_counts: Sequence[int],
    ham_counts: Sequence[int],
    spam_total: int,
    ham_total: int,
    from_prior: tuple[int, int] = (0, 0),
) -> Learned:
    """The filter's verdict on `tokens`, given how many spam and genuine comments each token
    appeared in (`spam_counts[i]`, `ham_counts[i]`) out of all it learned from, of which
    `from_prior` (spam, genuine) came with the prior (services.core.prior)."""
    weight = min(spam_total, ham_total, TRUST_AFTER) / TRUST_AFTER
    settled = min(spam_total - from_prior[0], ham_total - from_prior[1]) >= TRUST_AFTER
    if not spam_total or not ham_total:
        return NOTHING_LEARNED
    estimates = []
    for token, spam, ham in zip(tokens, spam_counts, ham_counts, strict=True):
        seen = spam + ham
        if not seen:
            continue
        spam_ratio, ham_ratio = spam / spam_total, ham / ham_total
        p = spam_ratio / (spam_ratio + ham_ratio)
        f = (STRENGTH * NEUTRAL + seen * p) / (STRENGTH + seen)
        if abs(f - NEUTRAL) >= MIN_DISTANCE:
            estimates.append((abs(f - NEUTRAL), token, f))
    estimates.sort(reverse=True)
    clues = [(token, f) for _, token, f in estimates[:MAX_CLUES]]
    probability = _fisher([f for _, f in clues])
    if not settled and probability < SURE:
        # A prior learned on another medium knows that medium's words: on a comment made of
        # words it has never seen, the few it knows (function words, shapes) would decide
        # alone. Until the site's moderators have taught it, its doubt counts only as far
        # as it knows the comment's content words; its certainty still counts fully.
        weight *= coverage(tokens, spam_counts, ham_counts)
    return Learned(probability, weight, tuple(clues[:8]), settled)


def coverage(tokens: Sequence[str], spam_counts: Sequence[int], ham_counts: Sequence[int]) -> float:
    """The share of the comment's content words (words, not function words, numbers, pairs or
    features) the filter has seen at all; 1 for a comment with none (nothing it ignores)."""
    known = total = 0
    for token, spam, ham in zip(tokens, spam_counts, ham_counts, strict=True):
        if ":" in token or " " in token or token == "#" or token in FUNCTION_WORDS:
            continue
        total += 1
        known += bool(spam + ham)
    return known / total if total else 1.0


def _fisher(estimates: Sequence[float]) -> float:
    """Fisher's method: how unlikely the estimates are if the comment were genuine, against
    how unlikely if it were spam, as one probability of spam (SpamBayes's chi2_spamprob)."""
    if not estimates:
        return NEUTRAL
    n = len(estimates)
    spamminess = 1.0 - _chi2_q(-2.0 * sum(math.log(1.0 - f) for f in estimates), 2 * n)
    hamminess = 1.0 - _chi2_q(-2.0 * sum(math.log(f) for f in estimates), 2 * n)
    return (spamminess - hamminess + 1.0) / 2.0


def _chi2_q(x2: float, degrees: int) -> float:
    """P(chi-square with `degrees` (even) degrees of freedom >= x2)."""
    m = x2 / 2.0
    term = total = math.exp(-m)
    for i in range(1, degrees // 2):
        term *= m / i
        total += term
    return min(total, 1.0)


NOTHING_LEARNED = Learned(NEUTRAL, 0.0, ())


@dataclass(frozen=True)
class Reputation:
    published: int = 0
    held: int = 0
    spam: int = 0
    rejected: int = 0

    @classmethod
    def from_counts(cls, counts: Mapping[str, str | int]) -> Reputation:
        return cls(
            **{
                k: max(0, int(counts.get(k, 0) or 0))
                for k in ("published", "held", "spam", "rejected")
            }
        )

    def shift(self) -> tuple[float, str] | None:
        """A move of the spam score's log-odds, and why: an author with comments published
        and none marked spam passes more easily; one with spam behind them, less."""
        if self.spam:
            return 2.0 + min(self.spam, 3), f"{self.spam} earlier comment(s) marked spam"
        if self.published >= 2 and not self.rejected:
            return -0.5 * min(self.published, 6), f"{self.published} earlier comments published"
        return None


def blend(checks_score: float, learned: Learned, reputation_shift: float) -> float:
    """One spam score: the fixed checks' score and the filter's, weighted by what the filter
    has learned, then moved by the author's reputation (in log-odds)."""
    mixed = (1.0 - learned.weight) * checks_score + learned.weight * learned.score
    if reputation_shift:
        mixed = _logistic(_logit(mixed) + reputation_shift)
    return mixed


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
