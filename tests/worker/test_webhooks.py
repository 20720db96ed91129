"""Webhooks through the real path: subscriptions made over HTTP, events from real moderation,
deliveries by a real RQ worker POSTing to a real local HTTP receiver that checks signatures."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from redis import Redis

from services.core.rules import Rules
from services.core.schemas import validator
from services.core.settings import Settings
from services.core.signing import HEADER, SignatureError, verify
from services.store import keys
from tests.conftest import LOOPBACK, TEST_SECRET
from tests.helpers import Client, deliver_all, moderate_all, token, valid_submission
from tests.receiver import Receiver

SECRET = "whsec-test-0123456789abcdef"
SERIAL = itertools.count(1)


@pytest.fixture
def settings(redis_url: str) -> Settings:
    """Retries without waiting, and a short run of failures before a subscription is disabled."""
    return Settings(
        secret=TEST_SECRET,
        redis_url=redis_url,
        rules=Rules(audit_rate=0.0),
        webhook_timeout_s=2,
        webhook_retry_intervals=(0, 0, 0),
        webhook_disable_after=6,
        webhook_allow_networks=LOOPBACK,
        webhook_only_networks=LOOPBACK,
    )


@pytest.fixture
def admin(redis: Redis) -> dict[str, str]:
    return token(redis, "admin")


async def subscribe(
    client: Client, admin: dict[str, str], url: str, events: list[str], **extra: Any
) -> dict[str, Any]:
    response = await client.post(
        "/v1/webhooks", json={"url": url, "events": events, **extra}, headers=admin
    )
    assert response.status == 201, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def show(client: Client, admin: dict[str, str], webhook_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/webhooks/{webhook_id}", headers=admin)
    assert response.status == 200
    body: dict[str, Any] = await response.json()
    return body


async def publish_one(client: Client, settings: Settings) -> str:
    content = f"Good reporting, part {next(SERIAL)}; ada@example.com agrees."
    response = await client.post("/v1/articles/a1/comments", json=valid_submission(content=content))
    assert response.status == 202
    assert moderate_all(settings) == 1
    return str((await response.json())["id"])


async def test_a_published_comment_reaches_the_receiver_signed_and_verifiable(
    client: Client,
    redis: Redis,
    settings: Settings,
    receiver: Receiver,
    admin: dict[str, str],
) -> None:
    webhook = await subscribe(client, admin, receiver.url, ["comment.published"], secret=SECRET)
    assert webhook["secret"] == SECRET
    comment_id = await publish_one(client, settings)

    assert deliver_all(settings) == 1
    [(headers, body)] = receiver.received
    signed_at = verify(SECRET.encode(), body, headers[HEADER])
    delivery = json.loads(body)
    validator("webhook-delivery.schema.json").validate(delivery)
    assert delivery["type"] == headers["Comments-Event"] == "comment.published"
    assert delivery["id"] == headers["Comments-Delivery"]
    assert delivery["data"]["comment"]["id"] == comment_id
    assert b"ada@example.com" not in body
    assert "a***@e***.com" in delivery["data"]["comment"]["content"]

    # What an attacker who saw the request cannot do: replay it later, or change it.
    with pytest.raises(SignatureError, match="replay"):
        verify(SECRET.encode(), body, headers[HEADER], now=signed_at + 301)
    with pytest.raises(SignatureError, match="does not match"):
        verify(SECRET.encode(), body.replace(b"Good", b"Poor"), headers[HEADER])

    shown = await show(client, admin, webhook["id"])
    assert "secret" not in shown
    assert [(d["status"], d["ok"], d["delivery_id"]) for d in shown["deliveries"]] == [
        (200, True, delivery["id"])
    ]


async def test_a_failing_receiver_is_retried_with_the_same_delivery_id(
    client: Client,
    redis: Redis,
    settings: Settings,
    receiver: Receiver,
    admin: dict[str, str],
) -> None:
    webhook = await subscribe(client, admin, receiver.url, ["comment.published"])
    receiver.answers = [500, 503]
    await publish_one(client, settings)

    deliver_all(settings)
    assert [h["Comments-Delivery"] for h, _ in receiver.received] == [
        receiver.received[0][0]["Comments-Delivery"]
    ] * 3
    for headers, body in receiver.received:
        verify(webhook["secret"].encode(), body, headers[HEADER])
    shown = await show(client, admin, webhook["id"])
    assert [d["status"] for d in shown["deliveries"]] == [200, 503, 500]
    assert shown["enabled"] and shown["consecutive_failures"] == 0


async def test_a_receiver_that_keeps_failing_is_disabled_and_admins_are_told(
    client: Client,
    redis: Redis,
    settings: Settings,
    receiver: Receiver,
    admin: dict[str, str],
) -> None:
    failing = await subscribe(client, admin, "http://127.0.0.1:9/refused", ["comment.published"])
    watcher = await subscribe(client, admin, receiver.url, ["webhook.disabled"])
    await publish_one(client, settings)
    await publish_one(client, settings)  # two events of four attempts each: disabled at six

    deliver_all(settings)
    shown = await show(client, admin, failing["id"])
    assert not shown["enabled"]
    assert shown["consecutive_failures"] == 6
    assert "6 deliveries failed in a row" in shown["disabled_reason"]
    assert len(shown["deliveries"]) == 6 and not any(d["ok"] for d in shown["deliveries"])

    [disabled] = receiver.bodies()
    assert disabled["type"] == "webhook.disabled"
    assert disabled["data"]["webhook_id"] == failing["id"]
    validator("webhook-delivery.schema.json").validate(disabled)

    # Disabled means no more attempts, until an admin enables it again.
    await publish_one(client, settings)
    deliver_all(settings)
    assert len((await show(client, admin, failing["id"]))["deliveries"]) == 6
    response = await client.post(f"/v1/webhooks/{failing['id']}/enable", headers=admin)
    assert response.status == 200
    assert (await response.json())["enabled"] is True
    assert (await show(client, admin, watcher["id"]))["enabled"]


async def test_the_test_route_sends_a_signed_test_delivery(
    client: Client,
    redis: Redis,
    settings: Settings,
    receiver: Receiver,
    admin: dict[str, str],
) -> None:
    webhook = await subscribe(client, admin, receiver.url, ["comment.removed"])
    response = await client.post(f"/v1/webhooks/{webhook['id']}/test", headers=admin)
    assert response.status == 202
    queued = await response.json()

    assert deliver_all(settings) == 1
    [(headers, body)] = receiver.received
    verify(webhook["secret"].encode(), body, headers[HEADER])
    assert json.loads(body)["type"] == "webhook.test"
    assert headers["Comments-Delivery"] == queued["delivery_id"]


async def test_only_the_chosen_events_after_subscribing_are_delivered(
    client: Client,
    redis: Redis,
    settings: Settings,
    receiver: Receiver,
    admin: dict[str, str],
) -> None:
    await publish_one(client, settings)  # before any subscription
    await subscribe(client, admin, receiver.url, ["comment.removed"])
    await publish_one(client, settings)  # published: not chosen
    assert deliver_all(settings) == 0
    assert receiver.received == []


async def test_a_deleted_subscription_gets_nothing_more(
    client: Client,
    redis: Redis,
    settings: Settings,
    receiver: Receiver,
    admin: dict[str, str],
) -> None:
    webhook = await subscribe(client, admin, receiver.url, ["comment.published"])
    assert (await client.delete(f"/v1/webhooks/{webhook['id']}", headers=admin)).status == 204
    await publish_one(client, settings)
    deliver_all(settings)
    assert receiver.received == []
    assert (await client.get(f"/v1/webhooks/{webhook['id']}", headers=admin)).status == 404
    assert (await (await client.get("/v1/webhooks", headers=admin)).json()) == {"webhooks": []}
    assert not redis.exists(keys.webhook(webhook["id"]))


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://example.com/x", "events": ["comment.published"]},
        {"url": "https://example.com/x", "events": []},
        {"url": "https://example.com/x", "events": ["comment.deleted"]},
        {"url": "https://example.com/x", "events": ["comment.published"], "secret": "short"},
        {"url": "https://example.com/x", "events": ["comment.published"], "extra": 1},
    ],
)
async def test_a_bad_subscription_is_refused_and_nothing_is_stored(
    client: Client, redis: Redis, admin: dict[str, str], body: dict[str, Any]
) -> None:
    response = await client.post("/v1/webhooks", json=body, headers=admin)
    assert response.status == 422
    assert response.content_type == "application/problem+json"
    assert not redis.exists(keys.WEBHOOKS)


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("moderator", 403)])
async def test_only_admins_manage_webhooks(
    client: Client, redis: Redis, role: str | None, status: int
) -> None:
    headers = token(redis, role) if role else {}
    body = {"url": "https://example.com/x", "events": ["comment.published"]}
    assert (await client.post("/v1/webhooks", json=body, headers=headers)).status == status
    assert (await client.get("/v1/webhooks", headers=headers)).status == status
