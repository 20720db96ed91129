"""Articles as records, closing comments, pre-moderation and trusted commenters, over real
HTTP with real workers deciding."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from redis import Redis

from services.core.settings import Settings
from services.store import keys
from tests.helpers import Client, dump, moderate_all, token, valid_submission


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """One test client sends many comments: no flood limits in the way."""
    return dataclasses.replace(settings, rate_limits=False)


async def post(client: Client, article: str, email: str, content: str = "") -> Any:
    document = valid_submission(content=content or f"A thoughtful reply from {email}.")
    document["author"]["email"] = email
    return await client.post(f"/v1/articles/{article}/comments", json=document)


async def verdict(client: Client, settings: Settings, response: Any) -> dict[str, Any]:
    """The comment as a moderator sees it once the workers decided it."""
    assert response.status == 202, await response.text()
    comment_id = (await response.json())["id"]
    moderate_all(settings)
    one = await client.get(f"/v1/moderation/comments/{comment_id}", headers=MODERATOR)
    return dict(await one.json())


async def set_rules(client: Client, redis: Redis, **changes: Any) -> None:
    admin = token(redis, "admin", "root")
    current = await (await client.get("/v1/moderation/rules", headers=admin)).json()
    body = {"version": current["version"], "rules": {**current["rules"], **changes}}
    response = await client.put("/v1/moderation/rules", json=body, headers=admin)
    assert response.status == 200, await response.text()


def reasons(comment: dict[str, Any]) -> dict[str, str]:
    return {r["check"]: r["detail"] for r in comment["verdict"]["reasons"]}


MODERATOR: dict[str, str] = {}
"""The headers of the test's moderator (`moderator` makes one)."""


def moderator(redis: Redis) -> dict[str, str]:
    MODERATOR.clear()
    MODERATOR.update(token(redis, "moderator", "mia"))
    return MODERATOR


async def test_an_article_is_put_and_read_back_with_the_effective_settings(
    client: Client, redis: Redis
) -> None:
    site = token(redis, "site", "news")
    assert (await client.get("/v1/articles/story-1")).status == 401
    assert (await client.get("/v1/articles/story-1", headers=site)).status == 404
    body = {
        "title": "Council votes on the budget",
        "url": "https://news.example/council-budget",
        "published_at": "2026-12-01T08:00:00Z",
        "language": "en",
        "comments": {"status": "open", "close_after_days": 14},
    }
    created = await client.put("/v1/articles/story-1", json=body, headers=site)
    assert created.status == 201, await created.text()
    article = await (await client.get("/v1/articles/story-1", headers=site)).json()
    assert article["title"] == "Council votes on the budget"
    assert article["url"] == "https://news.example/council-budget"
    comments = article["comments"]
    assert (comments["status"], comments["close_after_days"], comments["premoderation"]) == (
        "open" if datetime.now(UTC) < datetime(2026, 12, 15, 8, tzinfo=UTC) else "closed",
        14,
        "none",
    )
    assert comments["closes_at"] == "2026-12-15T08:00:00Z"
    assert comments["inherited"] == ["premoderation"]
    assert article["updated_by"] == "news"
    again = await client.put("/v1/articles/story-1", json={"title": "New title"}, headers=site)
    assert again.status == 200
    replaced = await again.json()
    assert (replaced["title"], replaced["url"], replaced["comments"]["closes_at"]) == (
        "New title", None, None,
    )  # fmt: skip


async def test_a_bad_article_body_is_refused_precisely_and_nothing_is_stored(
    client: Client, redis: Redis
) -> None:
    site = token(redis, "site", "news")
    before = dump(redis)
    for body, pointer in [
        ({"title": "x", "colour": "red"}, "/colour"),
        ({"comments": {"status": "shut"}}, "/comments/status"),
        ({"comments": {"close_after_days": -1}}, "/comments/close_after_days"),
        ({"comments": {"premoderation": "some"}}, "/comments/premoderation"),
        ({"published_at": "yesterday"}, "/published_at"),
        ({"published_at": "2026-13-45T00:00:00Z"}, "/published_at"),
        ({"url": "javascript:alert(1)"}, "/url"),
    ]:
        response = await client.put("/v1/articles/story-2", json=body, headers=site)
        assert response.status == 422, body
        assert response.content_type == "application/problem+json"
        problem = await response.json()
        assert pointer in [e["pointer"] for e in problem["errors"]], problem
    assert dump(redis) == before


async def test_the_first_comment_creates_the_article_with_the_defaults(
    client: Client, redis: Redis, settings: Settings
) -> None:
    site = token(redis, "site", "news")
    assert (await post(client, "fresh-1", "ada@example.com")).status == 202
    article = await (await client.get("/v1/articles/fresh-1", headers=site)).json()
    assert article["comments"]["status"] == "open"
    assert article["comments"]["premoderation"] == "none"
    assert article["comments"]["close_after_days"] is None
    assert article["title"] is None and article["created_at"]


async def test_a_closed_article_refuses_comments_with_403_and_stores_nothing(
    client: Client, redis: Redis, settings: Settings
) -> None:
    headers = moderator(redis)
    assert (await post(client, "court-1", "ada@example.com")).status == 202
    moderate_all(settings)
    closed = {"title": "Trial opens", "comments": {"status": "closed"}}
    response = await client.put("/v1/articles/court-1", json=closed, headers=headers)
    assert response.status == 200
    assert (await response.json())["comments"]["closed_reason"] == "status"
    before = dump(redis)
    refused = await post(client, "court-1", "bob@example.com")
    assert refused.status == 403
    assert refused.content_type == "application/problem+json"
    assert (await refused.json())["type"].endswith("comments-closed")
    assert dump(redis) == before
    reopened = {"title": "Trial opens", "comments": {"status": "open"}}
    assert (await client.put("/v1/articles/court-1", json=reopened, headers=headers)).status == 200
    assert (await post(client, "court-1", "bob@example.com")).status == 202
    audit = await (await client.get("/v1/moderation/audit", headers=headers)).json()
    entries = [e for e in audit["entries"] if e.get("article_id") == "court-1"]
    assert [(e["action"], e["actor"]) for e in entries] == [
        ("article.reopen", "mia"),
        ("article.close", "mia"),
    ]
    assert (entries[1]["from"]["status"], entries[1]["to"]["status"]) == ("open", "closed")


async def test_comments_close_after_the_days_counted_from_publication(
    client: Client, redis: Redis, settings: Settings
) -> None:
    site = token(redis, "site", "news")
    ten_days_ago = (datetime.now(UTC) - timedelta(days=10)).isoformat()
    own = {"published_at": ten_days_ago, "comments": {"close_after_days": 7}}
    assert (await client.put("/v1/articles/old-1", json=own, headers=site)).status == 201
    assert (await post(client, "old-1", "ada@example.com")).status == 403
    article = await (await client.get("/v1/articles/old-1", headers=site)).json()
    assert (article["comments"]["status"], article["comments"]["closed_reason"]) == (
        "closed", "time",
    )  # fmt: skip
    # The rules' default applies to an article with no setting of its own.
    inherit = {"published_at": ten_days_ago}
    assert (await client.put("/v1/articles/old-2", json=inherit, headers=site)).status == 201
    assert (await post(client, "old-2", "ada@example.com")).status == 202
    await set_rules(client, redis, close_after_days=5)
    assert (await post(client, "old-2", "bob@example.com")).status == 403
    longer = {"published_at": ten_days_ago, "comments": {"close_after_days": 30}}
    assert (await client.put("/v1/articles/old-2", json=longer, headers=site)).status == 200
    assert (await post(client, "old-2", "bob@example.com")).status == 202


async def test_first_time_premoderation_holds_newcomers_and_not_approved_authors(
    client: Client, redis: Redis, settings: Settings
) -> None:
    headers = moderator(redis)
    # Ada was published before pre-moderation began.
    assert (await verdict(client, settings, await post(client, "a1", "ada@example.com")))[
        "state"
    ] == "published"
    await set_rules(client, redis, premoderation="first-time")
    newcomer = await verdict(client, settings, await post(client, "a1", "new@example.com"))
    assert newcomer["state"] == "held"
    assert reasons(newcomer)["premoderation"].startswith("pre-moderation: first-time author")
    returning = await verdict(
        client, settings, await post(client, "a1", "ada@example.com", "Me again.")
    )
    assert returning["state"] == "published", returning["verdict"]
    approve = {"action": "approve", "reason": "fine"}
    decided = await client.post(
        f"/v1/moderation/comments/{newcomer['id']}/decision", json=approve, headers=headers
    )
    assert decided.status == 200
    second = await post(client, "a1", "new@example.com", "My second comment here.")
    assert (await verdict(client, settings, second))["state"] == "published"


async def test_all_holds_every_comment_and_an_article_overrides_the_site(
    client: Client, redis: Redis, settings: Settings
) -> None:
    moderator(redis)
    site = token(redis, "site", "news")
    assert (await verdict(client, settings, await post(client, "calm", "ada@example.com")))[
        "state"
    ] == "published"
    sensitive = {"title": "Inquest", "comments": {"premoderation": "all"}}
    assert (await client.put("/v1/articles/inquest", json=sensitive, headers=site)).status == 201
    held = await verdict(client, settings, await post(client, "inquest", "ada@example.com"))
    assert held["state"] == "held"
    assert "this article holds every comment" in reasons(held)["premoderation"]
    calm = await verdict(client, settings, await post(client, "calm", "ada@example.com", "More."))
    assert calm["state"] == "published"
    # The site holds everything; an article that says `none` opts out.
    await set_rules(client, redis, premoderation="all")
    assert (await verdict(client, settings, await post(client, "calm", "bob@example.com")))[
        "state"
    ] == "held"
    relaxed = {"comments": {"premoderation": "none"}}
    assert (await client.put("/v1/articles/relaxed", json=relaxed, headers=site)).status == 201
    assert (await verdict(client, settings, await post(client, "relaxed", "cy@example.com")))[
        "state"
    ] == "published"


async def test_a_trusted_author_skips_score_holds_but_not_a_ban_or_a_disallowed_word(
    client: Client, redis: Redis, settings: Settings
) -> None:
    headers = moderator(redis)
    # Every score holds, and so does pre-moderation.
    await set_rules(
        client, redis, hold_score=0.0, cold_hold_score=0.0, premoderation="first-time",
        disallowed_words=["cheap pills"],
    )  # fmt: skip
    held = await verdict(client, settings, await post(client, "a1", "ada@example.com"))
    assert held["state"] == "held"
    trusted = await client.post(
        f"/v1/moderation/comments/{held['id']}/trust", json={"reason": "our columnist"},
        headers=headers,
    )  # fmt: skip
    assert trusted.status == 200
    author_hash = (await trusted.json())["hash"]
    listed = await (await client.get("/v1/moderation/trusted", headers=headers)).json()
    assert [t["hash"] for t in listed["trusted"]] == [author_hash]
    published = await verdict(client, settings, await post(client, "a1", "ada@example.com", "On."))
    assert published["state"] == "published", published["verdict"]
    assert reasons(published)["trusted"].startswith("trusted commenter")
    assert "premoderation" not in reasons(published)
    spam = await post(client, "a1", "ada@example.com", "Buy cheap pills today.")
    assert (await verdict(client, settings, spam))["state"] == "spam"
    ban = {"scope": "author", "hash": author_hash, "reason": "test"}
    assert (await client.post("/v1/moderation/bans", json=ban, headers=headers)).status == 201
    banned = await verdict(client, settings, await post(client, "a1", "ada@example.com", "Hi."))
    assert banned["state"] == "rejected"
    await client.delete(f"/v1/moderation/bans/author/{author_hash}", headers=headers)
    gone = await client.delete(f"/v1/moderation/trusted/{author_hash}", headers=headers)
    assert gone.status == 204
    assert (
        await client.delete(f"/v1/moderation/trusted/{author_hash}", headers=headers)
    ).status == 404
    again = await verdict(client, settings, await post(client, "a1", "ada@example.com", "Back."))
    assert again["state"] == "held"
    audit = await (await client.get("/v1/moderation/audit", headers=headers)).json()
    actions = [e["action"] for e in audit["entries"] if e["action"] in {"trust", "untrust"}]
    assert actions == ["untrust", "trust"]


async def test_trust_by_hash_needs_a_moderator_and_a_real_hash(
    client: Client, redis: Redis
) -> None:
    site = token(redis, "site", "news")
    headers = token(redis, "moderator", "mia")
    path = f"/v1/moderation/trusted/{'a' * 64}"
    assert (await client.put(path)).status == 401
    assert (await client.put(path, headers=site)).status == 403
    assert (await client.put("/v1/moderation/trusted/nope", headers=headers)).status == 422
    bad = await client.put(path, json={"reason": "x", "extra": 1}, headers=headers)
    assert bad.status == 422
    assert redis.hgetall(keys.TRUSTED) == {}
    assert (await client.put(path, headers=headers)).status == 200
    assert list(redis.hgetall(keys.TRUSTED)) == ["a" * 64]


async def test_a_day_count_sent_as_a_float_or_a_date_near_the_end_of_time_is_no_server_error(
    client: Client, redis: Redis
) -> None:
    # Found by schemathesis: 28115.0 was stored as "28115.0" and every read failed; a
    # published_at of year 9999 plus the days overflowed.
    headers = token(redis, "site")
    for body in (
        {"comments": {"status": "closed", "close_after_days": 28115.0}},
        {"published_at": "9999-12-31T00:00:00Z", "comments": {"close_after_days": 36500}},
    ):
        put = await client.put("/v1/articles/a1", json=body, headers=headers)
        assert put.status in (200, 201), await put.text()
        read = await client.get("/v1/articles/a1", headers=headers)
        assert read.status == 200, await read.text()
    bad = await client.put("/v1/articles/a1", json={"published_at": "0000-00-00"}, headers=headers)
    assert bad.status == 422
    assert (await bad.json())["errors"][0]["pointer"] == "/published_at"
