from __future__ import annotations

import csv
from pathlib import Path

import pytest

from services.core.checks.signal import Action, Signal
from services.core.comment import State
from services.core.learning import NOTHING_LEARNED, Reputation, blend, features, score
from services.core.prior import DEFAULT_PRIOR, dumps, loads
from services.core.rules import Rules
from services.core.verdict import audited, decide
from services.ops.cli import main
from services.ops.online_eval import check_not_trained_on, cross_file_prior
from services.ops.training import TrainedOnMeasured, digest, train_files
from services.store.priors import read_prior


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


SPAM_TEXTS = [
    "Check out my channel for free gift cards, subscribe now!",
    "Visit my website to win cash, click here www.prize.example",
    "Subscribe to my channel, I post new music every day",
]
GENUINE_TEXTS = [
    "The council should publish the budget before the vote.",
    "Thanks for the clear write-up of the hearing.",
    "I was at the meeting and the budget vote was close.",
]


def labeled(path: Path, spam: list[str], genuine: list[str]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["label", "text"])
        writer.writerows([("spam", t) for t in spam] + [("ham", t) for t in genuine])
    return path


def run_train(capsysbinary: pytest.CaptureFixture[bytes], *files: Path) -> bytes:
    with pytest.raises(SystemExit) as done:
        main(["train", *map(str, files)])
    assert done.value.code == 0
    return capsysbinary.readouterr().out


def test_comments_train_gives_the_same_bytes_for_the_same_inputs(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    a = labeled(tmp_path / "a.csv", SPAM_TEXTS[:2], GENUINE_TEXTS[:2])
    b = labeled(tmp_path / "b.csv", SPAM_TEXTS[2:], GENUINE_TEXTS[2:])
    first = run_train(capsysbinary, a, b)
    assert run_train(capsysbinary, a, b) == first
    assert run_train(capsysbinary, b, a) == first  # the order of the files does not matter
    prior = loads(first)
    assert (prior.spam, prior.ham) == (3, 3)
    assert prior.tokens["subscribe"][0] >= 2 and prior.tokens["budget"] == (0, 2)
    assert not any(t.startswith("name:") for t in prior.tokens)
    assert prior.digests() == {digest(a), digest(b)}
    assert read_prior("off") is None


def test_a_prior_never_learns_from_the_file_it_measures(tmp_path: Path) -> None:
    measured = labeled(tmp_path / "measured.csv", SPAM_TEXTS[:2], GENUINE_TEXTS[:2])
    other = labeled(tmp_path / "other.csv", SPAM_TEXTS[2:], GENUINE_TEXTS[2:])
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(measured.read_bytes())
    for sources in ([measured, other], [copy, other]):
        with pytest.raises(TrainedOnMeasured):
            train_files(sources, Rules(), measured=measured)
    with cross_file_prior(measured, [measured, copy, other]) as path:
        assert read_prior(path).digests() == {digest(other)}  # type: ignore[union-attr]
        check_not_trained_on(path, [measured])  # this prior may measure it
        with pytest.raises(TrainedOnMeasured):
            check_not_trained_on(path, [other])
    with cross_file_prior(measured, [measured, copy]) as path:
        assert path == "off"


def test_eval_refuses_a_prior_that_learned_from_the_measured_file(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    measured = labeled(tmp_path / "measured.csv", SPAM_TEXTS, GENUINE_TEXTS)
    prior = tmp_path / "prior.json"
    prior.write_bytes(run_train(capsysbinary, measured))
    monkeypatch.setenv("COMMENTS_PRIOR", str(prior))
    with pytest.raises(SystemExit) as done:
        main(["eval", "--online", str(measured)])  # refused before any service starts
    assert done.value.code == 2
    assert b"learned from" in capsysbinary.readouterr().err


def test_the_shipped_prior_is_small_and_in_the_form_comments_train_writes() -> None:
    shipped = DEFAULT_PRIOR.read_bytes()
    prior = loads(shipped)
    assert prior.spam > 0 and prior.ham > 0 and len(shipped) < 100_000
    assert dumps(prior) == shipped


def test_a_prior_alone_never_turns_a_rule_s_hold_into_spam() -> None:
    links = [
        Signal("links", Action.HOLD, 0.0, "3 links, more than 2"),
        Signal("spam:link", Action.SCORE, 0.5, "contains a link"),
    ]
    # A filter that knows links as spam from its prior (another site's 175 and 175 comments).
    from_prior = score(["check:spam:link"], [170], [1], 175, 175, from_prior=(175, 175))
    assert from_prior.score >= 0.99 and not from_prior.settled
    assert decide(links, Rules(), from_prior).state == State.HELD
    assert decide(links[1:], Rules(), from_prior).state == State.SPAM  # no rule asked for a person
    taught = score(["check:spam:link"], [190], [1], 200, 200, from_prior=(175, 175))
    assert taught.settled and decide(links, Rules(), taught).state == State.SPAM


def test_a_prior_does_not_hold_prose_it_knows_only_the_function_words_of() -> None:
    # A prior from another medium (175 spam, 175 genuine) where long spam made "for", "the"
    # and "you" spammy, and which never saw a word of a local news comment.
    known = {"for": (50, 10), "the": (60, 20), "you": (70, 30), "subscribe": (60, 1)}
    known |= {"channel": (69, 1), "check": (78, 13), "my": (121, 19)}

    def fresh_site(words: list[str]) -> tuple[State, float]:
        counts = [known.get(w, (0, 0)) for w in words]
        learned = score(words, [c[0] for c in counts], [c[1] for c in counts], 175, 175, (175, 175))
        return decide([], Rules(), learned).state, learned.weight

    prose = "thank you for covering the ferry timetable".split()
    assert fresh_site(prose) == (State.PUBLISHED, 0.0)
    assert fresh_site("check my channel subscribe".split()) == (State.SPAM, 1.0)
    # Once the site's moderators have taught it, the filter counts fully on every comment.
    taught = score(prose, [50] * 7, [0] * 7, 200, 200, from_prior=(175, 175))
    assert taught.settled and taught.weight == 1.0
