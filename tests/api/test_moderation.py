"""The moderation API over real HTTP, with real workers deciding first."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from redis import Redis

from services.core.settings import Settings
from services.store import keys
from services.store.tokens import revoke
from tests.helpers import Client, entries, moderate_all, token, valid_submission

LINKS = "Sources: https://a.example/1 https://b.example/2 https://c.example/3"


async def held_comment(client: Client, settings: Settings, n: int = 1, article: str = "a1") -> str:
    document = valid_submission(content=f"{LINKS} and my point number {n}.")
    document["author"]["email"] = f"reader{n}@example.com"
    response = await client.post(f"/v1/articles/{article}/comments", json=document)
    assert response.status == 202
    moderate_all(settings)
    return str((await response.json())["id"])


async def decide(client: Client, headers: dict[str, str], comment_id: str, action: str) -> Any:
    return await client.post(
        f"/v1/moderation/comments/{comment_id}/decision",
        json={"action": action, "reason": "test"},
        headers=headers,
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/moderation/queue"),
        ("GET", "/v1/moderation/comments/01JDQ8ZK3W5N6Y0T9V4B2C7X1M"),
        ("POST", "/v1/moderation/comments/01JDQ8ZK3W5N6Y0T9V4B2C7X1M/decision"),
        ("POST", "/v1/moderation/decisions"),
        ("GET", "/v1/moderation/audit"),
        ("GET", "/v1/moderation/rules"),
        ("PUT", "/v1/moderation/rules"),
        ("GET", "/v1/moderation/bans"),
        ("POST", "/v1/moderation/bans"),
        ("GET", "/v1/moderation/stream"),
    ],
)
async def test_every_moderation_route_needs_a_strong_enough_token(
    client: Client, redis: Redis, method: str, path: str
) -> None:
    anonymous = await client.request(method, path)
    assert anonymous.status == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert (
        await client.request(method, path, headers={"Authorization": "Bearer nope"})
    ).status == 401
    site = await client.request(method, path, headers=token(redis, "site"))
    assert site.status == 403
    assert (await site.json(content_type=None))["type"] == "/problems/forbidden"


async def test_only_an_admin_may_change_the_rules(client: Client, redis: Redis) -> None:
    moderator = token(redis, "moderator")
    current = await (await client.get("/v1/moderation/rules", headers=moderator)).json()
    body = {"version": current["version"], "rules": current["rules"]}
    assert (await client.put("/v1/moderation/rules", json=body, headers=moderator)).status == 403


async def test_a_revoked_token_stops_working_at_once(client: Client, redis: Redis) -> None:
    headers = token(redis, "moderator", "carol")
    assert (await client.get("/v1/moderation/queue", headers=headers)).status == 200
    revoke(redis, "carol")
    assert (await client.get("/v1/moderation/queue", headers=headers)).status == 401


async def test_the_queue_shows_held_comments_oldest_first_with_reasons_and_history(
    client: Client, redis: Redis, settings: Settings
) -> None:
    first = await held_comment(client, settings, 1)
    second = await held_comment(client, settings, 2, article="a2")
    headers = token(redis, "moderator")
    page = await (await client.get("/v1/moderation/queue", headers=headers)).json()
    assert [item["id"] for item in page["items"]] == [first, second]
    item = page["items"][0]
    assert item["author"]["email"] == "r***@e***.com"
    assert "reader1" not in json.dumps(page)
    assert item["author_history"]["held"] == 1
    [links] = [r for r in item["verdict"]["reasons"] if r["check"] == "links"]
    assert links["detail"] == "3 links, more than 2"
    only_a2 = await client.get("/v1/moderation/queue?article_id=a2", headers=headers)
    assert [i["id"] for i in (await only_a2.json())["items"]] == [second]
    by_reason = await client.get("/v1/moderation/queue?reason=profanity", headers=headers)
    assert (await by_reason.json())["items"] == []
    paged = await (await client.get("/v1/moderation/queue?limit=1", headers=headers)).json()
    rest = await client.get(f"/v1/moderation/queue?cursor={paged['next_cursor']}", headers=headers)
    assert [i["id"] for i in (await rest.json())["items"]] == [second]
    bad = await client.get("/v1/moderation/queue?state=published&cursor=x", headers=headers)
    assert bad.status == 400


async def test_approving_publishes_and_the_audit_log_records_it(
    client: Client, redis: Redis, settings: Settings
) -> None:
    comment_id = await held_comment(client, settings)
    headers = token(redis, "moderator", "alice")
    response = await decide(client, headers, comment_id, "approve")
    assert response.status == 200
    assert (await response.json())["state"] == "published"
    listed = await (await client.get("/v1/articles/a1/comments")).json()
    assert [c["id"] for c in listed["comments"]] == [comment_id]
    audit = await (await client.get("/v1/moderation/audit", headers=headers)).json()
    entry = audit["entries"][0]
    assert (entry["actor"], entry["action"], entry["from"], entry["to"], entry["comment_id"]) == (
        "alice", "approve", "held", "published", comment_id
    )  # fmt: skip
    [event] = [
        json.loads(f["data"])
        for _, f in entries(redis, keys.EVENTS)
        if f["type"] == "comment.published"
    ]
    assert event["comment_id"] == comment_id
    # A second decision needs the state it was taken on: marking it spam takes it down.
    assert (await decide(client, headers, comment_id, "spam")).status == 409
    again = await client.post(
        f"/v1/moderation/comments/{comment_id}/decision",
        json={"action": "spam", "from": "published"},
        headers=headers,
    )
    assert again.status == 200
    assert (await (await client.get("/v1/articles/a1/comments")).json())["comments"] == []
    removed = [
        json.loads(f["data"])
        for _, f in entries(redis, keys.EVENTS)
        if f["type"] == "comment.removed"
    ]
    assert [(e["comment_id"], e["state"]) for e in removed] == [(comment_id, "spam")]


async def test_a_decision_that_does_not_apply_is_409(
    client: Client, redis: Redis, settings: Settings
) -> None:
    comment_id = await held_comment(client, settings)
    headers = token(redis, "moderator")
    response = await decide(client, headers, comment_id, "remove")
    assert response.status == 409
    assert "held" in (await response.json(content_type=None))["detail"]
    assert (await decide(client, headers, "01JDQ8ZK3W5N6Y0T9V4B2C7X1M", "approve")).status == 404
    bad = await client.post(
        f"/v1/moderation/comments/{comment_id}/decision", json={"action": "delete"}, headers=headers
    )
    assert bad.status == 422


async def test_two_decisions_at_once_leave_one_winner(
    client: Client, redis: Redis, settings: Settings
) -> None:
    comment_id = await held_comment(client, settings)
    alice, bob = token(redis, "moderator", "alice"), token(redis, "moderator", "bob")
    for _ in range(3):
        responses = await asyncio.gather(
            decide(client, alice, comment_id, "approve"), decide(client, bob, comment_id, "spam")
        )
        statuses = sorted(r.status for r in responses)
        if statuses == [200, 409]:
            break
        # Both read the comment before either wrote: still exactly one must win.
        assert statuses != [200, 200]
    assert sorted(r.status for r in responses) == [200, 409]
    entries = (await (await client.get("/v1/moderation/audit", headers=alice)).json())["entries"]
    assert len([e for e in entries if e["comment_id"] == comment_id]) == 1


async def test_bulk_decisions_report_each_comment(
    client: Client, redis: Redis, settings: Settings
) -> None:
    ids = [await held_comment(client, settings, n) for n in range(3)]
    headers = token(redis, "moderator")
    assert (await decide(client, headers, ids[0], "reject")).status == 200
    missing = "01JDQ8ZK3W5N6Y0T9V4B2C7X1M"
    response = await client.post(
        "/v1/moderation/decisions",
        json={"ids": [*ids, missing], "action": "spam"},
        headers=headers,
    )
    results = {r["id"]: r["status"] for r in (await response.json())["results"]}
    # The rejected one was decided already: a second decision must say what it saw.
    assert results == {ids[0]: 409, ids[1]: 200, ids[2]: 200, missing: 404}
    assert redis.zcard(keys.state_set("spam")) == 2


async def test_a_banned_authors_next_comment_is_rejected(
    client: Client, redis: Redis, settings: Settings
) -> None:
    comment_id = await held_comment(client, settings, 7)
    headers = token(redis, "moderator")
    ban = await client.post(
        "/v1/moderation/bans",
        json={"scope": "author", "comment_id": comment_id, "duration_s": 3600, "reason": "abuse"},
        headers=headers,
    )
    assert ban.status == 201
    banned = await ban.json()
    document = valid_submission(content="A perfectly calm comment.")
    document["author"]["email"] = "reader7@example.com"
    again = await (await client.post("/v1/articles/a1/comments", json=document)).json()
    moderate_all(settings)
    status = await (await client.get(again["links"]["self"])).json()
    assert status["status"] == "rejected"
    listed = await (await client.get("/v1/moderation/bans", headers=headers)).json()
    assert [b["hash"] for b in listed["bans"]] == [banned["hash"]]
    assert 3500 < redis.ttl(keys.ban("author", banned["hash"])) <= 3600
    gone = await client.delete(f"/v1/moderation/bans/author/{banned['hash']}", headers=headers)
    assert gone.status == 204
    actions = [
        e["action"]
        for e in (await (await client.get("/v1/moderation/audit", headers=headers)).json())[
            "entries"
        ]
    ]
    assert actions[:2] == ["unban", "ban"]


async def test_rules_are_validated_versioned_and_audited(client: Client, redis: Redis) -> None:
    admin = token(redis, "admin", "root")
    current = await (await client.get("/v1/moderation/rules", headers=admin)).json()
    assert current["version"] == 0
    rules = {**current["rules"], "link_limit": 5, "disallowed_words": ["cheap pills"]}
    bad = await client.put(
        "/v1/moderation/rules",
        json={"version": 0, "rules": {**rules, "link_limit": -1, "spam_score": "high"}},
        headers=admin,
    )
    assert bad.status == 422
    assert {e["pointer"] for e in (await bad.json(content_type=None))["errors"]} == {
        "/rules/link_limit", "/rules/spam_score"
    }  # fmt: skip
    good = await client.put(
        "/v1/moderation/rules", json={"version": 0, "rules": rules}, headers=admin
    )
    assert good.status == 200
    assert (await good.json())["version"] == 1
    stale = await client.put(
        "/v1/moderation/rules", json={"version": 0, "rules": rules}, headers=admin
    )
    assert stale.status == 409
    now = await (await client.get("/v1/moderation/rules", headers=admin)).json()
    assert (now["version"], now["rules"]["link_limit"], now["updated_by"]) == (1, 5, "root")
    entries = (await (await client.get("/v1/moderation/audit", headers=admin)).json())["entries"]
    assert (entries[0]["action"], entries[0]["version"]) == ("rules", 1)


async def test_decisions_teach_the_filter_and_build_reputation(
    aiohttp_client: Any, redis: Redis, settings: Settings
) -> None:
    from dataclasses import replace

    from services.api.app import create_app

    # The 25 spam texts are near-duplicates: `duplicate_spread` would mark them spam as a
    # campaign before moderators could teach anything, so it is out of the way here.
    settings = replace(settings, rules=replace(settings.rules, duplicate_spread=1000))
    client = await aiohttp_client(create_app(replace(settings, rate_limits=False)))
    headers = token(redis, "moderator")
    spam_text = "Check out my channel for free gift cards, subscribe now {n}"
    ham_text = "The council vote on the library budget was the right call {n}"
    for n in range(25):
        for text, action, offset in ((spam_text, "spam", 100), (ham_text, "approve", 200)):
            document = valid_submission(content=f"{LINKS} {text.format(n=n)}")
            document["author"]["email"] = f"author{offset + n}@example.com"
            comment_id = (
                await (await client.post("/v1/articles/a1/comments", json=document)).json()
            )["id"]
            moderate_all(settings)
            state = (await (await client.get(f"/v1/comments/{comment_id}")).json())["status"]
            if state == "held":
                assert (await decide(client, headers, comment_id, action)).status == 200
    # Moderators' spam decisions, and comments published and never objected to, were learned.
    totals = redis.hgetall(keys.LEARNED_TOTALS)
    assert int(totals["spam"]) >= 10 and int(totals["ham"]) >= 10
    document = valid_submission(content="Check out my channel, free gift cards, subscribe!")
    document["author"]["email"] = "newcomer@example.com"
    comment_id = (await (await client.post("/v1/articles/a1/comments", json=document)).json())["id"]
    moderate_all(settings)
    view = await (await client.get(f"/v1/moderation/comments/{comment_id}", headers=headers)).json()
    [learned] = [r for r in view["verdict"]["reasons"] if r["check"] == "learned"]
    assert learned["score"] > 0.9
    assert view["state"] in {"spam", "held"}
    assert view["verdict"]["spam_score"] > 0.9
    history = redis.hgetall(keys.author(view["author"]["email_hash"]))
    assert history == {view["state"]: "1"}
