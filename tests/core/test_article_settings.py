"""An article's comment settings in force, and what pre-moderation adds to a verdict."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.core.article_settings import Article, CommentStatus, parse_time
from services.core.checks.signal import Action, Signal
from services.core.comment import State
from services.core.learning import Reputation
from services.core.premoderation import premoderation_signals
from services.core.rules import Premoderation, Rules
from services.core.verdict import decide

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


def test_comments_close_after_the_articles_days_else_the_rules() -> None:
    article = Article("a", published_at="2026-11-20T12:00:00Z")
    assert not article.is_closed(None, NOW)
    assert article.is_closed(10, NOW)
    assert not article.is_closed(20, NOW)
    own = Article("a", published_at="2026-11-20T12:00:00Z", close_after_days=20)
    assert not own.is_closed(10, NOW)
    assert Article("a", status=CommentStatus.CLOSED).is_closed(None, NOW)
    # Never told when it was published: counted from when the service first heard of it.
    assert Article("a", created_at="2026-11-01T00:00:00.000Z").is_closed(30, NOW)


def test_the_view_fills_in_the_rules_and_says_which() -> None:
    rules = Rules(premoderation=Premoderation.FIRST_TIME, close_after_days=7)
    view = Article("a", published_at="2026-12-01").view(rules, NOW, 3)["comments"]
    assert view["premoderation"] == "first-time"
    assert view["closes_at"] == "2026-12-08T00:00:00Z"
    assert view["inherited"] == ["close_after_days", "premoderation"]
    assert (view["status"], view["count"]) == ("open", 3)


@pytest.mark.parametrize("text", ["2026-12-01", "2026-12-01T08:00:00+01:00", "2026-12-01t08:00z"])
def test_dates_are_read_as_rfc_3339(text: str) -> None:
    assert parse_time(text) is not None


def test_a_bad_date_is_none() -> None:
    assert parse_time("2026-13-45T00:00:00Z") is None


def test_first_time_holds_only_authors_never_published() -> None:
    newcomer = premoderation_signals(Premoderation.FIRST_TIME, Reputation(), False, False)
    assert [s.detail.split(" (")[0] for s in newcomer] == ["pre-moderation: first-time author"]
    assert (
        premoderation_signals(Premoderation.FIRST_TIME, Reputation(published=1), False, True) == []
    )
    assert premoderation_signals(Premoderation.NONE, Reputation(), False, False) == []
    [every] = premoderation_signals(Premoderation.ALL, Reputation(published=9), False, True)
    assert every.action == Action.HOLD and "this article" in every.detail


def test_trust_skips_score_holds_and_never_a_rejection_or_spam() -> None:
    rules = Rules(hold_score=0.0, cold_hold_score=0.0, audit_rate=0.0)
    trusted = premoderation_signals(Premoderation.ALL, Reputation(), True, False)
    assert decide(trusted, rules).state == State.HELD  # the score alone holds
    assert decide(trusted, rules, trusted=True).state == State.PUBLISHED
    banned = [*trusted, Signal("banned", Action.REJECT, 0.0, "banned")]
    assert decide(banned, rules, trusted=True).state == State.REJECTED
    word = [*trusted, Signal("disallowed", Action.SPAM, 1.0, "a disallowed word")]
    assert decide(word, rules, trusted=True).state == State.SPAM
    assert decide(trusted, rules, audit=True, trusted=True).state == State.PUBLISHED
