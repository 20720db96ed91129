"""Each Lua script of services/store against the real server, called directly with the
arguments its builder makes: what it writes, and what it refuses (writing nothing).

transition.lua has its own file (test_transition_script.py); writer_apply.lua is driven by
`BatchWriter` in test_writer.py; tokens_create.lua in test_tokens.py; records_*.lua in
tests/worker/test_webhook_records.py.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from importlib.resources import files

import pytest
from redis import Redis
from redis.asyncio import Redis as AsyncRedis

from services.core.rules import Rules
from services.store import keys
from services.store.batches import READ_BATCH, batch, read_batch_args, read_batch_keys
from services.store.lifecycle import UNTRAIN
from services.store.stored_rules import StoredRules, parse_stored, replace_rules
from services.store.webhook_records import DELIVERY_LOG, disable, record_attempt
from tests.helpers import entries


def test_every_script_is_package_data_beside_its_module() -> None:
    shipped = {p.name for p in files("services.store").iterdir() if p.name.endswith(".lua")}
    assert shipped >= {
        "batch_read.lua", "lifecycle_untrain.lua", "records_increment.lua",
        "records_update.lua", "stored_rules_replace.lua", "tokens_create.lua",
        "transition.lua", "webhook_records_attempt.lua", "webhook_records_disable.lua",
        "writer_apply.lua",
    }  # fmt: skip


def test_untrain_forgets_the_tokens_and_drops_the_spent_ones(redis: Redis) -> None:
    redis.hset(keys.LEARNED_SPAM, mapping={"buy": 2, "now": 1})
    redis.hset(keys.LEARNED_TOTALS, mapping={"spam": 2, "ham": 5})
    named = json.dumps({"label": "spam", "tokens": ["buy", "now"]})
    redis.eval(UNTRAIN, 2, keys.LEARNED_SPAM, keys.LEARNED_TOTALS, named)
    assert redis.hgetall(keys.LEARNED_SPAM) == {"buy": "1"}
    assert redis.hgetall(keys.LEARNED_TOTALS) == {"spam": "1", "ham": "5"}


def test_an_attempt_is_logged_and_counts_failures_in_a_row(redis: Redis) -> None:
    redis.hset(keys.webhook("w1"), mapping={"id": "w1", "enabled": "1", "failures": "0"})
    assert record_attempt(redis, "w1", {"ok": False, "status": 500}) == 1
    assert record_attempt(redis, "w1", {"ok": False, "status": 502}) == 2
    assert record_attempt(redis, "w1", {"ok": True, "status": 200}) == 0
    log = [json.loads(a) for a in redis.lrange(keys.webhook_deliveries("w1"), 0, -1)]
    assert [a["status"] for a in log] == [200, 502, 500]
    for n in range(DELIVERY_LOG + 5):
        record_attempt(redis, "w1", {"ok": True, "status": n})
    assert redis.llen(keys.webhook_deliveries("w1")) == DELIVERY_LOG


def test_an_attempt_on_a_deleted_subscription_writes_nothing(redis: Redis) -> None:
    assert record_attempt(redis, "gone", {"ok": False, "status": 500}) is None
    assert redis.keys("*") == []


def test_disable_announces_once_and_never_revives_a_deleted_subscription(redis: Redis) -> None:
    redis.hset(keys.webhook("w1"), mapping={"id": "w1", "enabled": "1"})
    assert disable(redis, "w1", "http://127.0.0.1:9/hook", "10 failures in a row")
    record = redis.hgetall(keys.webhook("w1"))
    assert record["enabled"] == "0" and record["disabled_reason"] == "10 failures in a row"
    assert not disable(redis, "w1", "http://127.0.0.1:9/hook", "again")
    [(_, event)] = entries(redis, keys.EVENTS)
    assert event["type"] == "webhook.disabled" and event["webhook_id"] == "w1"
    assert json.loads(event["data"])["reason"] == "10 failures in a row"
    assert not disable(redis, "gone", "http://127.0.0.1:9/hook", "x")
    assert not redis.exists(keys.webhook("gone"))


@pytest.fixture
async def async_redis(redis_url: str) -> AsyncIterator[AsyncRedis]:
    client = AsyncRedis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


async def test_rules_replace_compares_and_sets_the_version(
    redis: Redis, async_redis: AsyncRedis
) -> None:
    rules = Rules()
    first = StoredRules(rules, 1, "2026-01-01T00:00:00Z", "ann")
    assert await replace_rules(async_redis, 0, first, {"action": "rules", "version": 1}) is None
    assert parse_stored(str(redis.get(keys.RULES)), rules) == first
    second = StoredRules(rules, 2, "2026-01-02T00:00:00Z", "bob")
    assert await replace_rules(async_redis, 0, second, {"action": "rules", "version": 2}) == 1
    assert parse_stored(str(redis.get(keys.RULES)), rules) == first  # the stale edit wrote nothing
    assert [json.loads(e["data"])["version"] for _, e in entries(redis, keys.AUDIT)] == [1]


def test_read_batch_closes_the_open_batch_and_names_what_it_read(redis: Redis) -> None:
    listing = keys.moderation_batch("c1")
    redis.rpush(listing, "c1", "c2")
    redis.hset(keys.OPEN_BATCH, mapping={"list": listing, "job": "moderate-batch-c1"})
    redis.hset(keys.comment("c1"), mapping={"id": "c1", "state": "pending"})
    reply = redis.eval(READ_BATCH, 2, *read_batch_keys([listing]), *read_batch_args([]))
    read = batch(reply)
    assert read.ids == ["c1", "c2"]
    assert read.records == [{"id": "c1", "state": "pending"}, {}]  # c2 is gone
    assert not redis.exists(keys.OPEN_BATCH)


def test_read_batch_by_ids_leaves_another_open_batch_open(redis: Redis) -> None:
    redis.hset(keys.OPEN_BATCH, mapping={"list": keys.moderation_batch("c9"), "job": "j"})
    redis.hset(keys.comment("c1"), mapping={"id": "c1", "state": "held"})
    read = batch(redis.eval(READ_BATCH, 1, *read_batch_keys([]), *read_batch_args(["c1"])))
    assert read.ids == ["c1"] and read.records == [{"id": "c1", "state": "held"}]
    assert redis.exists(keys.OPEN_BATCH)
    assert batch(redis.eval(READ_BATCH, 1, *read_batch_keys([]), *read_batch_args([]))).ids == []
