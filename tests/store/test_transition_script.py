"""transition.lua against the real server: compare-and-set, and everything a transition
applies with it."""

from __future__ import annotations

import json
from typing import Any

from redis import Redis

from services.core.comment import State
from services.core.transition import Transition
from services.store import keys
from services.store.transitions import (
    TRANSITION,
    Outcome,
    outcome,
    transition_args,
    transition_keys,
)
from tests.helpers import entries

RECORD = {
    "id": "01JCOMMENT0000000000000000",
    "article_id": "a1",
    "email_hash": "e" * 64,
    "fingerprint": "f" * 64,
    "content": "Hello",
    "author_name": "Ann",
    "created_at": "2026-01-01T00:00:00Z",
}
PUBLISHED = {
    "published_content": "Hello",
    "published_html": "<p>Hello</p>",
    "published_name": "Ann",
}


def stored(redis: Redis, state: State = State.PENDING, **fields: str) -> None:
    record: dict[Any, str] = {**RECORD, "state": state.value, **fields}  # hset wants any key type
    redis.hset(keys.comment(RECORD["id"]), mapping=record)
    redis.zadd(keys.state_set(state), {RECORD["id"]: 1})


def run(redis: Redis, t: Transition) -> Outcome:
    reply = redis.register_script(TRANSITION)(keys=transition_keys(t), args=transition_args(t))
    return outcome(reply)


def transition(expected: State, new_state: State, **changes: object) -> Transition:
    if new_state == State.PUBLISHED:
        changes.setdefault("published", PUBLISHED)
    return Transition(
        record=RECORD,
        expected=expected,
        new_state=new_state,
        now_iso="2026-01-01T00:00:00Z",
        now_ms=1_767_225_600_000,
        **changes,  # type: ignore[arg-type]
    )


def test_publishes_and_counts(redis: Redis) -> None:
    stored(redis)
    t = transition(
        State.PENDING,
        State.PUBLISHED,
        verdict={"state": "published", "spam_score": 0.125},
        fields={"checks": "links"},
    )
    assert run(redis, t) == Outcome(True, "pending", "")
    record = redis.hgetall(keys.comment(RECORD["id"]))
    assert record["state"] == "published" and record["published_seq"] == "1"
    assert record["published_html"] == "<p>Hello</p>" and record["checks"] == "links"
    assert json.loads(record["verdict"]) == {"state": "published", "spam_score": 0.125}
    assert redis.zscore(keys.published("a1"), RECORD["id"]) == 1
    assert redis.zscore(keys.state_set(State.PENDING), RECORD["id"]) is None
    assert redis.hgetall(keys.author(RECORD["email_hash"])) == {"published": "1"}
    assert redis.get(keys.article_version("a1")) == "1"
    [(_, event)] = entries(redis, keys.EVENTS)
    assert event["type"] == "comment.published" and event["comment_id"] == RECORD["id"]
    [(_, public)] = entries(redis, keys.article_events("a1"))
    assert public["type"] == "comment.published"
    assert 0 < redis.ttl(keys.article_events("a1")) <= 24 * 3600


def test_refuses_a_comment_in_another_state(redis: Redis) -> None:
    stored(redis, State.HELD)
    assert run(redis, transition(State.PENDING, State.PUBLISHED)) == Outcome(False, "held", "")
    assert redis.hget(keys.comment(RECORD["id"]), "state") == "held"
    assert redis.xlen(keys.EVENTS) == 0 and not redis.exists(keys.author(RECORD["email_hash"]))


def test_refuses_a_comment_that_is_not_there(redis: Redis) -> None:
    assert run(redis, transition(State.PENDING, State.HELD)) == Outcome(False, "", "")
    assert not redis.exists(keys.comment(RECORD["id"]))


def test_first_decision_refuses_once_a_moderator_decided(redis: Redis) -> None:
    stored(redis, State.HELD, decided_by="bob")
    first = transition(State.HELD, State.REJECTED, first_decision=True)
    assert run(redis, first) == Outcome(False, "held", "bob")
    assert run(redis, transition(State.HELD, State.REJECTED)) == Outcome(True, "held", "")
    assert redis.hgetall(keys.author(RECORD["email_hash"])) == {"held": "-1", "rejected": "1"}


def test_learns_and_unlearns(redis: Redis) -> None:
    stored(redis, State.HELD)
    spam = transition(State.HELD, State.SPAM, learn_as="spam", tokens=("buy", "now"),
                      mark_known_spam=True, audit={"action": "spam"})  # fmt: skip
    assert run(redis, spam).applied
    assert redis.hgetall(keys.LEARNED_SPAM) == {"buy": "1", "now": "1"}
    assert redis.ttl(keys.known_spam(RECORD["fingerprint"])) > 29 * 24 * 3600
    [(_, audit)] = entries(redis, keys.AUDIT)
    assert json.loads(audit["data"]) == {"action": "spam"}
    ham = transition(State.SPAM, State.PUBLISHED, learn_as="ham", tokens=("buy", "now"))
    assert run(redis, ham).applied
    assert redis.hgetall(keys.LEARNED_SPAM) == {"buy": "0", "now": "0"}
    assert redis.hgetall(keys.LEARNED_HAM) == {"buy": "1", "now": "1"}
    assert redis.hgetall(keys.LEARNED_TOTALS) == {"spam": "0", "ham": "1"}
    assert redis.hget(keys.comment(RECORD["id"]), "trained_as") == "ham"


def test_removal_tells_readers_and_changes_the_version(redis: Redis) -> None:
    stored(redis)
    assert run(redis, transition(State.PENDING, State.PUBLISHED, article_events_ttl_s=0)).applied
    removal = transition(State.PUBLISHED, State.REMOVED, article_events_ttl_s=0)
    assert run(redis, removal) == Outcome(True, "published", "")
    assert redis.zscore(keys.published("a1"), RECORD["id"]) is None
    assert redis.zscore(keys.state_set(State.REMOVED), RECORD["id"]) == 1_767_225_600_000
    assert redis.get(keys.article_version("a1")) == "2"
    types = [e["type"] for _, e in entries(redis, keys.article_events("a1"))]
    assert types == ["comment.published", "comment.removed"]
    assert redis.ttl(keys.article_events("a1")) == -1  # 0: the stream lives for ever
