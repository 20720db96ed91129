from __future__ import annotations

from services.core.checks.form import check_form
from services.core.checks.links import check_links, find_links
from services.core.checks.signal import Action
from services.core.checks.spam_heuristics import noisy_or, spam_signs
from services.core.checks.wordlists import check_word_lists
from services.core.comment import State
from services.core.moderation import assess, published_fields
from services.core.rules import ProfanityPolicy, Rules
from services.core.verdict import decide


def record(content: str, **fields: str) -> dict[str, str]:
    return {"content": content, "author_name": "Ada", "author_url": "", **fields}


def test_more_links_than_the_limit_hold() -> None:
    content = "see https://a.example/1 and www.b.example and http://c.example/x?y=1"
    assert find_links(content) == ["https://a.example/1", "www.b.example", "http://c.example/x?y=1"]
    [signal] = check_links(content, find_links(content), "", Rules(link_limit=2))
    assert (signal.check, signal.action) == ("links", Action.HOLD)
    assert check_links(content, find_links(content), "", Rules(link_limit=3)) == []


def test_a_blocked_domain_anywhere_is_spam() -> None:
    rules = Rules(blocked_domains=("casino.example",))
    for content, url in [
        ("win at https://www.casino.example/play", ""),
        ("try casino.example today", ""),
        ("hi", "http://promo.casino.example"),
    ]:
        signals = check_links(content, find_links(content), url, rules)
        assert [s.action for s in signals] == [Action.SPAM], (content, url)
    assert check_links("see notcasino.example", [], "", rules) == []


def test_word_lists_match_whole_words_in_content_name_and_url() -> None:
    signals = check_word_lists(("buy now",), ("refund",), "Please BUY  NOW", "Refund Team", "")
    assert {(s.check, s.action, s.matched) for s in signals} == {
        ("disallowed_words", Action.SPAM, ("buy now",)),
        ("moderation_words", Action.HOLD, ("refund",)),
    }
    assert check_word_lists(("buy",), (), "buyer beware", "", "") == []


def test_form_traps() -> None:
    assert [s.check for s in check_form("http://spam", None, 2500)] == ["honeypot"]
    assert [s.check for s in check_form("", 800, 2500)] == ["fill_time"]
    assert check_form("", None, 2500) == []
    assert check_form("", 9000, 2500) == []


def test_spam_signs_add_up_but_one_alone_stays_weak() -> None:
    text = "Check out my channel and subscribe!! https://x.example"
    promo = spam_signs(text, "", "", find_links(text))
    assert {s.check for s in promo} >= {"spam:self_promotion", "spam:subscribe", "spam:link"}
    assert noisy_or(s.score for s in promo) >= 0.8
    genuine = spam_signs("The council should publish the budget before the vote.", "", "", [])
    assert noisy_or(s.score for s in genuine) == 0.0


def test_the_verdict_prefers_spam_then_reject_then_hold() -> None:
    rules = Rules()
    assert decide([], rules).state == State.PUBLISHED
    held = assess(record("a b c https://1.example https://2.example https://3.example"), rules)
    assert decide(held.signals, rules).state == State.HELD
    spam = assess(record("hello", honeypot="1"), rules)
    assert decide(spam.signals, rules).state == State.SPAM


def test_profanity_follows_the_policy_and_censor_masks_it() -> None:
    text = "This is sh!t, honestly."
    for policy, state in [
        (ProfanityPolicy.HOLD, State.HELD),
        (ProfanityPolicy.REJECT, State.REJECTED),
        (ProfanityPolicy.CENSOR, State.PUBLISHED),
    ]:
        rules = Rules(profanity_policy=policy)
        assessment = assess(record(text), rules)
        verdict = decide(assessment.signals, rules)
        assert verdict.state == state, policy
    assert verdict.censor
    fields = published_fields(record(text), assessment.content_profanity.spans)
    assert fields["published_content"] == "This is ****, honestly."


def test_published_fields_mask_emails_everywhere() -> None:
    rec = record("mail me: jo@example.com", author_name="jo@example.com",
                 author_url="https://example.com/?u=jo@example.com")  # fmt: skip
    fields = published_fields(rec)
    assert "jo@example.com" not in "".join(fields.values())
    assert fields["published_content"] == "mail me: j***@e***.com"
