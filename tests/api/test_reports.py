"""Reader reports over real HTTP with real workers: reporting, the withdrawal after enough
distinct clients, the reported queue, and the moderators' dismiss and remove."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from redis import Redis

from services.api.app import create_app
from services.core.rules import Rules
from services.core.schemas import validator
from services.core.settings import Limit, Settings
from services.store import keys
from tests.helpers import Client, ServiceTestServer, entries, moderate_all, token, valid_submission

LIST = "/v1/articles/a1/comments"


@pytest.fixture
def report_settings(settings: Settings) -> Settings:
    # Behind a trusted proxy on loopback: X-Forwarded-For names each reader.
    return replace(settings, trusted_proxies=("127.0.0.1/32", "::1/128"))


@pytest.fixture
async def api(aiohttp_client: Any, report_settings: Settings) -> Client:
    return await aiohttp_client(ServiceTestServer(create_app(report_settings)))  # type: ignore[no-any-return]


async def published(api: Client, settings: Settings, n: int = 1) -> str:
    document = valid_submission(content=f"A fair point about the budget, number {n}.")
    document["author"]["email"] = f"writer{n}@example.com"
    response = await api.post(LIST, json=document)
    assert response.status == 202
    moderate_all(settings)
    comment_id = str((await response.json())["id"])
    assert (await (await api.get(f"/v1/comments/{comment_id}")).json())["status"] == "published"
    return comment_id


async def report(
    api: Client, comment_id: str, reader: int, reason: str = "abuse", **extra: Any
) -> Any:
    return await api.post(
        f"/v1/comments/{comment_id}/reports",
        json={"reason": reason, **extra},
        headers={"X-Forwarded-For": f"203.0.113.{reader}"},
    )


async def listed(api: Client) -> tuple[list[str], str]:
    response = await api.get(LIST)
    body = await response.json()
    return [c["id"] for c in body["comments"]], response.headers["ETag"]


def events(redis: Redis, stream: str = keys.EVENTS) -> list[dict[str, Any]]:
    return [json.loads(fields["data"]) for _, fields in entries(redis, stream)]


async def test_three_readers_withdraw_a_comment(
    api: Client, redis: Redis, report_settings: Settings
) -> None:
    comment_id = await published(api, report_settings)
    ids, etag = await listed(api)
    assert ids == [comment_id]
    answers = []
    for reader, reason in enumerate(["abuse", "abuse", "spam"], start=1):
        response = await report(api, comment_id, reader, reason)
        assert response.status == 202
        accepted = await response.json()
        assert not list(validator("report-accepted.schema.json").iter_errors(accepted))
        answers.append(accepted["status"])
    assert answers == ["published", "published", "held"]
    ids, new_etag = await listed(api)
    assert ids == [] and new_etag != etag
    count = await (await api.get(f"{LIST}/count")).json()
    assert count["count"] == 0
    status = await (await api.get(f"/v1/comments/{comment_id}")).json()
    assert status["status"] == "held" and "comment" not in status
    kinds = [e["type"] for e in events(redis)]
    assert kinds[-4:] == ["comment.reported"] * 3 + ["comment.withdrawn"]
    withdrawn = events(redis)[-1]
    assert withdrawn["state"] == "held" and withdrawn["reports"] == {"count": 3}
    assert [e["type"] for e in events(redis, keys.article_events("a1"))][-1] == "comment.removed"
    audit = [json.loads(f["data"]) for _, f in entries(redis, keys.AUDIT)]
    assert audit[-1]["action"] == "withdraw" and audit[-1]["actor"] == "readers"
    assert "@" not in json.dumps(events(redis))
    assert not [
        e for e in events(redis) if list(validator("comment-event.schema.json").iter_errors(e))
    ]


async def test_one_report_per_client_and_only_on_published_comments(
    api: Client, redis: Redis, report_settings: Settings
) -> None:
    comment_id = await published(api, report_settings)
    assert (await report(api, comment_id, 1)).status == 202
    again = await report(api, comment_id, 1, "spam")
    assert again.status == 409
    assert again.content_type == "application/problem+json"
    assert (await again.json())["type"] == "/problems/already-reported"
    assert redis.hget(keys.reports(comment_id), "count") == "1"
    missing = await report(api, "01JDQ8ZK3W5N6Y0T9V4B2C7X1M", 1)
    assert missing.status == 404
    pending = await api.post(LIST, json=valid_submission(content="Not moderated yet."))
    pending_id = (await pending.json())["id"]
    refused = await report(api, pending_id, 2)
    assert refused.status == 409 and (await refused.json())["type"] == "/problems/not-reportable"


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"reason": "boring"}, "/reason"),
        ({"reason": "spam", "note": "x" * 501}, "/note"),
        ({"reason": "spam", "email": "a@example.com"}, "/email"),
        ({}, "/reason"),
    ],
)
async def test_a_bad_report_is_refused_and_stores_nothing(
    api: Client, redis: Redis, report_settings: Settings, body: Any, pointer: str
) -> None:
    comment_id = await published(api, report_settings)
    response = await api.post(f"/v1/comments/{comment_id}/reports", json=body)
    assert response.status == 422 and response.content_type == "application/problem+json"
    assert pointer in [e["pointer"] for e in (await response.json())["errors"]]
    assert not redis.exists(keys.reports(comment_id), keys.REPORTED)


async def test_reports_are_limited_per_client(
    aiohttp_client: Any, report_settings: Settings
) -> None:
    limited = replace(report_settings, flood_report=Limit(2, 60))
    api = await aiohttp_client(ServiceTestServer(create_app(limited)))
    ids = [await published(api, limited, n) for n in range(3)]
    statuses = [(await report(api, comment_id, 7)).status for comment_id in ids]
    assert statuses == [202, 202, 429]
    assert (await report(api, ids[2], 8)).status == 202  # another reader is not limited


async def test_the_reported_queue_is_ordered_by_count_with_reasons_and_notes(
    api: Client, redis: Redis, report_settings: Settings
) -> None:
    once, twice = [await published(api, report_settings, n) for n in (1, 2)]
    await report(api, once, 1, "off-topic")
    await report(api, twice, 1, "spam", note="Mail spammer@example.com about it")
    await report(api, twice, 2, "spam")
    moderator = token(redis, "moderator")
    assert (await api.get("/v1/moderation/queue?state=reported")).status == 401
    response = await api.get("/v1/moderation/queue?state=reported", headers=moderator)
    body = await response.json()
    assert not list(validator("report-queue.schema.json").iter_errors(body))
    assert [item["id"] for item in body["items"]] == [twice, once]
    top = body["items"][0]["reports"]
    assert top["count"] == 2 and top["reasons"] == {"spam": 2}
    assert [n["note"] for n in top["notes"]] == ["Mail s***@e***.com about it"]
    page = await api.get("/v1/moderation/queue?state=reported&limit=1", headers=moderator)
    first = await page.json()
    assert [i["id"] for i in first["items"]] == [twice]
    rest = await api.get(
        f"/v1/moderation/queue?state=reported&limit=1&cursor={first['next_cursor']}",
        headers=moderator,
    )
    assert [i["id"] for i in (await rest.json())["items"]] == [once]


async def decide(api: Client, headers: dict[str, str], comment_id: str, action: str) -> Any:
    return await api.post(
        f"/v1/moderation/comments/{comment_id}/decision",
        json={"action": action, "reason": "checked"},
        headers=headers,
    )


async def test_dismissing_publishes_again_and_reporters_weigh_less(
    api: Client, redis: Redis, report_settings: Settings
) -> None:
    comment_id = await published(api, report_settings)
    for reader in (1, 2, 3):
        await report(api, comment_id, reader)
    moderator = token(redis, "moderator")
    response = await decide(api, moderator, comment_id, "dismiss")
    assert response.status == 200 and (await response.json())["state"] == "published"
    assert (await listed(api))[0] == [comment_id]
    queue = await api.get("/v1/moderation/queue?state=reported", headers=moderator)
    assert (await queue.json())["items"] == []
    assert (await report(api, comment_id, 1)).status == 409  # closed, still theirs
    # The same three readers on another comment now weigh 1.5: not enough to withdraw it.
    other = await published(api, report_settings, 2)
    statuses = [(await (await report(api, other, r)).json())["status"] for r in (1, 2, 3)]
    assert statuses == ["published"] * 3
    assert float(redis.hget(keys.reports(other), "weight") or 0) == 1.5
    audit = [json.loads(f["data"]) for _, f in entries(redis, keys.AUDIT)]
    assert [a["action"] for a in audit] == ["withdraw", "dismiss"]


async def test_dismissing_a_published_comment_keeps_it_and_it_is_not_withdrawn_later(
    api: Client, redis: Redis, report_settings: Settings
) -> None:
    comment_id = await published(api, report_settings)
    await report(api, comment_id, 1)
    moderator = token(redis, "moderator")
    _, etag = await listed(api)
    assert (await decide(api, moderator, comment_id, "dismiss")).status == 200
    assert await listed(api) == ([comment_id], etag)
    [entry] = [json.loads(f["data"]) for _, f in entries(redis, keys.AUDIT)]
    assert entry["action"] == "dismiss" and entry["reports"] == 1
    for reader in (4, 5, 6, 7):
        assert (await (await report(api, comment_id, reader)).json())["status"] == "published"
    queue = await api.get("/v1/moderation/queue?state=reported", headers=moderator)
    assert (await queue.json())["items"][0]["reports"]["count"] == 4
    assert (await decide(api, moderator, comment_id, "approve")).status == 409


async def test_removing_a_withdrawn_comment_and_in_bulk(
    api: Client, redis: Redis, report_settings: Settings
) -> None:
    withdrawn, reported = [await published(api, report_settings, n) for n in (1, 2)]
    for reader in (1, 2, 3):
        await report(api, withdrawn, reader)
    await report(api, reported, 1)
    moderator = token(redis, "moderator")
    response = await decide(api, moderator, withdrawn, "remove")
    assert response.status == 200 and (await response.json())["state"] == "removed"
    bulk = await api.post(
        "/v1/moderation/decisions", json={"ids": [reported], "action": "remove"}, headers=moderator
    )
    assert (await bulk.json())["results"] == [{"id": reported, "status": 200, "state": "removed"}]
    assert (await listed(api))[0] == []
    assert not redis.exists(keys.REPORTED)
    assert (await decide(api, moderator, reported, "dismiss")).status == 409


async def test_dismiss_needs_open_reports(
    api: Client, redis: Redis, report_settings: Settings
) -> None:
    comment_id = await published(api, report_settings)
    response = await decide(api, token(redis, "moderator"), comment_id, "dismiss")
    assert response.status == 409
    assert "no open reader reports" in (await response.json())["detail"]


async def test_the_threshold_is_a_rule(
    aiohttp_client: Any, redis: Redis, report_settings: Settings
) -> None:
    api = await aiohttp_client(ServiceTestServer(create_app(report_settings)))
    admin = token(redis, "admin")
    current = await (await api.get("/v1/moderation/rules", headers=admin)).json()
    assert current["rules"]["reports_to_withdraw"] == 3
    bad = {"version": current["version"], "rules": {**current["rules"], "reports_to_withdraw": -1}}
    assert (await api.put("/v1/moderation/rules", json=bad, headers=admin)).status == 422
    one = {"version": current["version"], "rules": {**current["rules"], "reports_to_withdraw": 1}}
    assert (await api.put("/v1/moderation/rules", json=one, headers=admin)).status == 200
    comment_id = await published(api, report_settings)
    assert (await (await report(api, comment_id, 1)).json())["status"] == "held"
    assert Rules().reports_to_withdraw == 3
