"""reports_add.lua and reports_close.lua against the real server, called directly with the
arguments their builders make."""

from __future__ import annotations

import json
from typing import Any

from redis import Redis

from services.core import report_policy as policy
from services.store import keys
from services.store.reports import ADD, CLOSE, add_args, add_keys, close_args, close_keys
from tests.helpers import entries

ID = "01JCOMMENT0000000000000000"


def comment(redis: Redis, state: str = "published", **fields: str) -> None:
    record: dict[Any, str] = {"id": ID, "article_id": "a1", "state": state, **fields}
    redis.hset(keys.comment(ID), mapping=record)  # hset wants any key type


def add(redis: Redis, client: str, reason: str = "spam", note: str = "") -> dict[str, object]:
    args = add_args(ID, client, reason, note, "2026-12-03T10:00:00.000Z")
    return dict(json.loads(redis.eval(ADD, 8, *add_keys(ID, client), *args)))


def close(redis: Redis, dismissed: bool, audit: dict[str, str] | None = None) -> int:
    args = close_args(ID, dismissed, "2026-12-03T11:00:00.000Z", audit)
    return int(json.loads(redis.eval(CLOSE, 7, *close_keys(ID), *args))["count"])


def test_reports_count_distinct_clients_with_their_reasons(redis: Redis) -> None:
    comment(redis)
    first = add(redis, "c1", "spam", "buy-now link farm")
    assert first == {
        "status": "reported", "state": "published", "count": 1, "weight": 1, "withdrawable": True,
    }  # fmt: skip
    assert add(redis, "c2", "abuse")["count"] == 2
    assert add(redis, "c1", "abuse") == {"status": "repeat", "state": "published"}
    assert redis.hgetall(keys.reports(ID)) == {
        "count": "2", "weight": "2", "reason:spam": "1", "reason:abuse": "1",
        "first_at": "2026-12-03T10:00:00.000Z", "last_at": "2026-12-03T10:00:00.000Z",
    }  # fmt: skip
    assert redis.zscore(keys.REPORTED, ID) == 2
    assert redis.hget(keys.comment(ID), "reports_open") == "2"
    [note] = [json.loads(n) for n in redis.lrange(keys.report_notes(ID), 0, -1)]
    assert note == {"reason": "spam", "note": "buy-now link farm", "at": "2026-12-03T10:00:00.000Z"}
    events = [json.loads(fields["data"]) for _, fields in entries(redis, keys.EVENTS)]
    assert [(e["type"], e["reason"], e["reports"]) for e in events] == [
        ("comment.reported", "spam", 1),
        ("comment.reported", "abuse", 2),
    ]
    assert all("c1" not in json.dumps(e) and "note" not in e for e in events)


def test_only_a_published_comment_is_reported(redis: Redis) -> None:
    assert add(redis, "c1") == {"status": "missing"}
    comment(redis, "held")
    assert add(redis, "c1") == {"status": "not-published", "state": "held"}
    assert not redis.exists(keys.reports(ID), keys.REPORTED, keys.EVENTS)


def test_a_decided_or_dismissed_comment_is_not_withdrawable(redis: Redis) -> None:
    comment(redis, decided_by="alice")
    assert add(redis, "c1")["withdrawable"] is False
    comment(redis, decided_by="", reports_dismissed_at="2026-12-01T00:00:00Z")
    assert add(redis, "c2")["withdrawable"] is False


def test_dismissing_closes_the_reports_and_lowers_the_reporters_weight(redis: Redis) -> None:
    comment(redis)
    add(redis, "c1", note="n")
    add(redis, "c2", "off-topic")
    audit = {"action": "dismiss", "comment_id": ID}
    assert close(redis, True, audit) == 2
    assert not redis.exists(keys.reports(ID), keys.reporters(ID), keys.report_notes(ID))
    assert redis.zscore(keys.REPORTED, ID) is None
    record = redis.hgetall(keys.comment(ID))
    assert "reports_open" not in record and record["reports_dismissed_at"]
    assert redis.smembers(keys.closed_reporters(ID)) == {"c1", "c2"}
    assert 0 < redis.ttl(keys.closed_reporters(ID)) <= policy.CLOSED_TTL_S
    assert redis.get(keys.reporter_weight("c1")) == "0.5"
    assert 0 < redis.ttl(keys.reporter_weight("c1")) <= policy.WEIGHT_TTL_S
    [(_, entry)] = entries(redis, keys.AUDIT)
    assert json.loads(entry["data"]) == {
        **audit, "reports": 2, "reasons": {"spam": 1, "off-topic": 1},
    }  # fmt: skip
    # Closed reporters may not report again; a new one may, and its report weighs 1.
    assert add(redis, "c1")["status"] == "repeat"
    assert add(redis, "c3")["weight"] == 1


def test_a_dismissed_reporter_counts_less_down_to_the_floor(redis: Redis) -> None:
    comment(redis)
    redis.set(keys.reporter_weight("c1"), "0.25")
    assert add(redis, "c1")["weight"] == 0.25
    close(redis, True)
    assert redis.get(keys.reporter_weight("c1")) == str(policy.MIN_WEIGHT)


def test_closing_upheld_reports_keeps_the_weights(redis: Redis) -> None:
    comment(redis)
    add(redis, "c1")
    assert close(redis, False) == 1
    assert redis.get(keys.reporter_weight("c1")) is None
    assert "reports_dismissed_at" not in redis.hgetall(keys.comment(ID))
    assert not redis.exists(keys.AUDIT)


def test_a_reader_whose_report_counted_hears_it_was_theirs(redis: Redis) -> None:
    comment(redis)
    add(redis, "c1")
    redis.hset(keys.comment(ID), "state", "held")  # withdrawn meanwhile
    assert add(redis, "c1")["status"] == "repeat"
    assert add(redis, "c2")["status"] == "not-published"
