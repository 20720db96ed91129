from __future__ import annotations

from services.core.checks.signal import Action, Signal
from services.core.moderation import spread_signal
from services.core.near_dup import BANDS, bands
from services.core.rules import Rules

PROMOTION = "Hey everyone, check out my new channel for daily guitar covers and please subscribe!"


def shared(a: str, b: str) -> int:
    return len(set(bands(a)) & set(bands(b)))


def test_a_one_word_variant_shares_a_band_and_unrelated_texts_do_not() -> None:
    assert shared(PROMOTION, PROMOTION) == BANDS
    assert shared(PROMOTION, PROMOTION.replace("daily", "weekly")) >= 1
    assert shared(PROMOTION.upper(), PROMOTION) == BANDS  # on the folded text
    assert shared(PROMOTION, "Rest in peace, my thoughts are with the family.") == 0
    assert bands("!!! ...") == []


def test_copies_are_spam_only_when_they_promote_or_one_author_pastes_them() -> None:
    rules = Rules()
    promotes = [Signal("spam:self_promotion", Action.SCORE, 0.5, "promotes")]
    link = [Signal("spam:link", Action.SCORE, 0.5, "a link")]
    assert spread_signal(2, 2, promotes, rules) is None
    campaign = spread_signal(3, 3, promotes, rules)
    assert campaign is not None and campaign.action == Action.SPAM
    assert spread_signal(3, 3, [], rules) is None  # readers writing the same common phrase
    pasted = spread_signal(3, 1, [], rules)
    assert pasted is not None and pasted.action == Action.SPAM
    shared_link = spread_signal(3, 3, link, rules)
    assert shared_link is not None and shared_link.action == Action.HOLD


def test_links_are_left_out_of_the_signature() -> None:
    sources = "https://a.example/1 https://b.example/2 https://c.example/3"
    assert shared(f"Good sources: {sources}", f"More sources: {sources}") == 0
    swapped = PROMOTION.replace("daily", "daily https://one.example/x")
    assert shared(swapped, PROMOTION.replace("daily", "daily https://two.example/y")) == BANDS
    assert bands(sources) == []
