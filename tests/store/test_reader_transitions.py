"""transition.lua for the reader's own comment: an edit puts a published comment back to
pending with its new text (untaught, its old verdict cleared, readers told), a verdict on the
old text is refused, and republished it keeps its place in the thread."""

from __future__ import annotations

import json

from redis import Redis

from services.core.comment import State
from services.core.decisions import tokens_of
from services.core.own_comment import delete_transition, edit_transition
from services.store import keys
from tests.helpers import entries
from tests.store.test_transition_script import RECORD, run, stored, transition


def _published(redis: Redis) -> dict[str, str]:
    stored(redis)
    t = transition(State.PENDING, State.PUBLISHED, learn_as="ham",
                   tokens=tokens_of({**RECORD, "checks": ""}), verdict={"state": "published"},
                   fields={"checks": ""})  # fmt: skip
    assert run(redis, t).applied
    return {str(k): str(v) for k, v in redis.hgetall(keys.comment(RECORD["id"])).items()}


def test_an_edit_withdraws_untrains_and_clears_the_verdict(redis: Redis) -> None:
    record = _published(redis)
    assert redis.hgetall(keys.LEARNED_TOTALS) == {"ham": "1"}
    assert run(redis, edit_transition(record, "Hello, edited", 1_767_225_601_000)).applied
    edited = redis.hgetall(keys.comment(RECORD["id"]))
    assert edited["state"] == "pending" and edited["content"] == "Hello, edited"
    assert edited["revision"] == "1" and "verdict" not in edited and "trained_as" not in edited
    assert edited["fingerprint"] != record["fingerprint"]
    assert redis.zscore(keys.published("a1"), RECORD["id"]) is None
    assert redis.zscore(keys.state_set(State.PENDING), RECORD["id"]) == 1_767_225_601_000
    # Untaught: every token back to 0; the author's counts know nothing of pending.
    assert set(redis.hgetall(keys.LEARNED_HAM).values()) == {"0"}
    assert redis.hgetall(keys.LEARNED_TOTALS) == {"ham": "0"}
    assert redis.hgetall(keys.author(RECORD["email_hash"])) == {"published": "0"}
    assert redis.get(keys.article_version("a1")) == "2"
    types = [e["type"] for _, e in entries(redis, keys.article_events("a1"))]
    assert types == ["comment.published", "comment.removed"]
    [*_, (_, audit)] = entries(redis, keys.AUDIT)
    assert json.loads(audit["data"])["action"] == "edit"


def test_a_verdict_on_the_text_before_an_edit_is_refused(redis: Redis) -> None:
    stored(redis, revision="1")
    stale = transition(State.PENDING, State.PUBLISHED, revision="")
    assert not run(redis, stale).applied
    assert redis.hget(keys.comment(RECORD["id"]), "state") == "pending"
    assert run(redis, transition(State.PENDING, State.PUBLISHED, revision="1")).applied


def test_republished_after_an_edit_it_keeps_its_place(redis: Redis) -> None:
    record = _published(redis)
    redis.set(keys.publication_counter("a1"), 41)  # others were published since
    assert run(redis, edit_transition(record, "Hello again", 1)).applied
    again = transition(State.PENDING, State.PUBLISHED, revision="1")
    assert run(redis, again).applied
    assert redis.zscore(keys.published("a1"), RECORD["id"]) == 1
    assert redis.get(keys.publication_counter("a1")) == "41"


def test_a_deletion_is_a_removal_by_its_author(redis: Redis) -> None:
    record = _published(redis)
    assert run(redis, delete_transition(record, 5)).applied
    deleted = redis.hgetall(keys.comment(RECORD["id"]))
    assert deleted["state"] == "removed" and deleted["decided_by"] == "author"
    assert redis.zscore(keys.state_set(State.REMOVED), RECORD["id"]) == 5
    assert [e["type"] for _, e in entries(redis, keys.EVENTS)][-1] == "comment.removed"
