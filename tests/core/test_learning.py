from __future__ import annotations

from services.core.checks.signal import Action, Signal
from services.core.comment import State
from services.core.learning import NOTHING_LEARNED, Reputation, blend, features, score
from services.core.rules import Rules
from services.core.verdict import audited, decide


def test_features_are_words_pairs_domains_and_checks_each_once() -> None:
    tokens = features(
        "Visit visit https://www.shop.example/x now", "Ada", "https://a.example", ["links"]
    )
    assert tokens.count("visit") == 1
    assert {"visit visit", "domain:shop.example", "author:url", "name:ada", "check:links"} <= set(
        tokens
    )
    assert features("same text", "A", "", []) == features("same text", "A", "", [])


def test_the_filter_knows_nothing_until_it_has_seen_both_kinds() -> None:
    assert score(["a"], [5], [0], 5, 0) == NOTHING_LEARNED
    half = score(["free", "money"], [9, 9], [0, 0], 10, 10)
    assert half.weight == 0.5 and half.score > 0.9
    assert score(["council", "budget"], [0, 0], [9, 9], 20, 20).score < 0.1
    assert score(["unseen"], [0], [0], 20, 20).score == 0.5


def test_reputation_moves_the_score_both_ways() -> None:
    assert Reputation().shift() is None
    trusted = Reputation(published=4).shift()
    spammer = Reputation(spam=1, published=9).shift()
    assert trusted is not None and trusted[0] < 0
    assert spammer is not None and spammer[0] > 0
    assert blend(0.6, NOTHING_LEARNED, trusted[0]) < 0.5 < blend(0.3, NOTHING_LEARNED, spammer[0])


def test_an_unsure_new_site_holds_more_than_a_trained_one() -> None:
    weak = [Signal("spam:subscribe", Action.SCORE, 0.35, "asks for subscribers")]
    rules = Rules()
    assert decide(weak, rules).state == State.HELD  # nothing learned: held at 0.25
    trained = score(["subscribe"], [1], [9], 20, 20)
    assert trained.weight == 1
    assert decide(weak, rules, trained).state == State.PUBLISHED


def test_the_audit_sample_holds_a_confident_verdict_and_says_why() -> None:
    verdict = decide([], Rules(), audit=True)
    assert verdict.state == State.HELD
    assert [r["check"] for r in verdict.reasons()] == ["audit"]
    hard_spam = [Signal("honeypot", Action.SPAM, 1.0, "filled")]
    assert decide(hard_spam, Rules(), audit=True).state == State.SPAM
    picked = sum(audited(f"{n:026d}", 0.02) for n in range(20_000))
    assert 300 < picked < 500
    assert audited("01JDQ8ZK3W5N6Y0T9V4B2C7X1M", 0.5) == audited("01JDQ8ZK3W5N6Y0T9V4B2C7X1M", 0.5)
