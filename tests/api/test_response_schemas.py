"""What the moderation and webhook routes answer matches the schemas the OpenAPI document
gives for them (every response there has one)."""

from __future__ import annotations

from typing import Any

from redis import Redis

from services.core.schemas import validator
from services.core.settings import Settings
from tests.helpers import Client, moderate_all, token, valid_submission
from tests.receiver import Receiver

LINKS = "https://a.example/1 https://b.example/2 https://c.example/3"


def _valid(name: str, body: Any) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(body)]
    assert errors == [], (name, body)


async def test_moderation_answers_match_their_schemas(
    client: Client, redis: Redis, settings: Settings
) -> None:
    moderator = token(redis, "moderator")
    ids = []
    for n in range(2):
        document = valid_submission(content=f"{LINKS} and my point number {n}.")
        document["author"]["email"] = f"reader{n}@example.com"
        ids.append(
            (await (await client.post("/v1/articles/a1/comments", json=document)).json())["id"]
        )
    moderate_all(settings)

    queue = await (await client.get("/v1/moderation/queue?state=held", headers=moderator)).json()
    assert len(queue["items"]) == 2
    _valid("moderation-queue.schema.json", queue)
    one = await (await client.get(f"/v1/moderation/comments/{ids[0]}", headers=moderator)).json()
    _valid("moderation-comment.schema.json", one)
    decided = await client.post(f"/v1/moderation/comments/{ids[0]}/decision",
                                json={"action": "approve"}, headers=moderator)  # fmt: skip
    _valid("moderation-comment.schema.json", await decided.json())
    bulk = await client.post(
        "/v1/moderation/decisions",
        headers=moderator,
        json={"ids": [ids[1], "01HZX3V7Q4K2N8M6P0R5T9W1YB"], "action": "spam"},
    )
    _valid("moderation-bulk-result.schema.json", await bulk.json())
    ban = await client.post(
        "/v1/moderation/bans",
        headers=moderator,
        json={"scope": "author", "comment_id": ids[1], "reason": "spam"},
    )
    assert ban.status == 201
    _valid("moderation-ban-record.schema.json", await ban.json())
    bans = await (await client.get("/v1/moderation/bans", headers=moderator)).json()
    _valid("moderation-bans.schema.json", bans)
    audit = await (await client.get("/v1/moderation/audit", headers=moderator)).json()
    assert len(audit["entries"]) >= 3
    _valid("moderation-audit.schema.json", audit)


async def test_webhook_answers_match_their_schemas(
    client: Client, redis: Redis, receiver: Receiver
) -> None:
    admin = token(redis, "admin")
    created = await client.post(
        "/v1/webhooks", headers=admin, json={"url": receiver.url, "events": ["comment.published"]}
    )
    assert created.status == 201
    body = await created.json()
    _valid("webhook-view.schema.json", body)
    assert body["secret"]
    link = f"/v1/webhooks/{body['id']}"
    one = await (await client.get(link, headers=admin)).json()
    _valid("webhook-view.schema.json", one)
    assert "secret" not in one and one["deliveries"] == []
    _valid(
        "webhook-list.schema.json", await (await client.get("/v1/webhooks", headers=admin)).json()
    )
    test = await client.post(f"{link}/test", headers=admin)
    assert test.status == 202
    _valid("webhook-test.schema.json", await test.json())
    enabled = await client.post(f"{link}/enable", headers=admin)
    _valid("webhook-view.schema.json", await enabled.json())
