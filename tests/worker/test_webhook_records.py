"""A deleted subscription stays deleted: what a delivery writes checks it still exists.

The scripts are tested against the real Valkey, and the race through the real API and a real
webhook worker: the receiver deletes the subscription over HTTP while its delivery is in
flight, then answers."""

from __future__ import annotations

import asyncio
import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web
from redis import Redis

from services.api.app import create_app
from services.core.access import Role
from services.core.settings import Settings
from services.store import keys
from services.store.records import INCREMENT, UPDATE, increment_args, update_args
from services.store.tokens import create
from services.store.webhook_records import DELIVERY_LOG, disable, record_attempt
from tests.e2e.client import authed, post
from tests.helpers import deliver_all, entries, moderate_all
from tests.receiver import Receiver
from tests.worker.test_webhooks import settings

__all__ = ["settings"]  # the webhook tests' settings: retries without waiting


@pytest.fixture
def api(settings: Settings) -> Iterator[str]:
    """The real API served from a thread of its own: the test's thread runs the worker,
    the receiver's thread calls the API while a delivery is in flight."""
    ready: queue.Queue[tuple[asyncio.AbstractEventLoop, asyncio.Event, int]] = queue.Queue()

    async def serve() -> None:
        runner = web.AppRunner(create_app(settings))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        stop = asyncio.Event()
        ready.put((asyncio.get_running_loop(), stop, runner.addresses[0][1]))
        await stop.wait()
        await runner.cleanup()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    loop, stop, port = ready.get(timeout=30)
    yield f"http://127.0.0.1:{port}"
    loop.call_soon_threadsafe(stop.set)
    thread.join(30)


@pytest.mark.parametrize("answer", [500, 200])
def test_a_delivery_that_ends_after_its_webhook_was_deleted_leaves_nothing(
    api: str, redis: Redis, settings: Settings, receiver: Receiver, answer: int
) -> None:
    admin = create(redis, Role.ADMIN, "admin")
    status, webhook = authed("POST", f"{api}/v1/webhooks", admin,
                             {"url": receiver.url, "events": ["comment.published"]})  # fmt: skip
    assert status == 201, webhook
    link = f"{api}/v1/webhooks/{webhook['id']}"
    receiver.answers = [answer]
    receiver.before_answer = lambda: authed("DELETE", link, admin)  # while it is delivered
    post(api, "Good reporting; thank you for the follow-up.")
    assert moderate_all(settings) == 1

    assert deliver_all(settings) == 1  # no retry for a subscription that is gone
    assert len(receiver.received) == 1
    status, problem = authed("GET", link, admin)
    assert status == 404, problem
    assert redis.keys(f"{keys.webhook(webhook['id'])}*") == []
    assert authed("GET", f"{api}/v1/webhooks", admin) == (200, {"webhooks": []})


def attempt(ok: bool, n: int = 0) -> dict[str, Any]:
    return {"delivery_id": f"d{n}", "ok": ok, "status": 200 if ok else 500}


def test_record_attempt_counts_failures_resets_on_success_and_keeps_the_last_attempts(
    redis: Redis,
) -> None:
    redis.hset(keys.webhook("w1"), mapping={"id": "w1", "enabled": "1", "failures": "0"})
    assert [record_attempt(redis, "w1", attempt(False, n)) for n in range(3)] == [1, 2, 3]
    assert record_attempt(redis, "w1", attempt(True)) == 0
    assert redis.hget(keys.webhook("w1"), "failures") == "0"
    for n in range(DELIVERY_LOG + 5):
        record_attempt(redis, "w1", attempt(False, n))
    logged = redis.lrange(keys.webhook_deliveries("w1"), 0, -1)
    assert len(logged) == DELIVERY_LOG
    assert json.loads(logged[0])["delivery_id"] == f"d{DELIVERY_LOG + 4}"


def test_record_attempt_on_a_deleted_subscription_writes_nothing(redis: Redis) -> None:
    assert record_attempt(redis, "gone", attempt(False)) is None
    assert record_attempt(redis, "gone", attempt(True)) is None
    assert redis.keys("*") == []


def test_disable_announces_a_subscription_once_and_never_a_deleted_one(redis: Redis) -> None:
    redis.hset(keys.webhook("w1"), mapping={"id": "w1", "enabled": "1"})
    assert disable(redis, "w1", "http://127.0.0.1:9/", "10 deliveries failed in a row")
    assert not disable(redis, "w1", "http://127.0.0.1:9/", "11 deliveries failed in a row")
    record = redis.hgetall(keys.webhook("w1"))
    assert record["enabled"] == "0"
    assert record["disabled_reason"] == "10 deliveries failed in a row"
    [(_, fields)] = entries(redis, keys.EVENTS)
    assert fields["type"] == "webhook.disabled" and fields["webhook_id"] == "w1"
    assert json.loads(fields["data"])["reason"] == "10 deliveries failed in a row"

    assert not disable(redis, "gone", "http://127.0.0.1:9/", "10 deliveries failed in a row")
    assert not redis.exists(keys.webhook("gone"))
    assert redis.xlen(keys.EVENTS) == 1


def test_update_and_increment_change_a_record_that_exists_and_never_re_create_one(
    redis: Redis,
) -> None:
    key = keys.comment("c1")
    redis.hset(key, mapping={"id": "c1", "state": "pending"})
    assert redis.eval(UPDATE, 1, key, *update_args({"job_id": "j1", "last_error": "boom"})) == 1
    assert redis.eval(INCREMENT, 1, key, *increment_args("reconciled", 1)) == 1
    assert redis.eval(INCREMENT, 1, key, *increment_args("reconciled", 2)) == 3
    assert redis.hgetall(key) == {
        "id": "c1", "state": "pending", "job_id": "j1", "last_error": "boom", "reconciled": "3"
    }  # fmt: skip

    gone = keys.comment("c2")
    assert redis.eval(UPDATE, 1, gone, *update_args({"job_id": "j2"})) == 0
    assert redis.eval(INCREMENT, 1, gone, *increment_args("reconciled", 1)) is None
    assert not redis.exists(gone)
