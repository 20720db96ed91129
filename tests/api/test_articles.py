"""Reading an article's published comments, and the intake limits that keep floods out."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from redis import Redis

from services.api.app import create_app
from services.core.schemas import validator
from services.core.settings import Limit, Settings
from tests.helpers import Client, dump, moderate_all, token, valid_submission

ARTICLE = "/v1/articles/a1/comments"


def person(n: int, content: str | None = None) -> dict[str, Any]:
    document = valid_submission(content=content or f"Comment number {n}, calm and on topic.")
    document["author"]["email"] = f"reader{n}@example.com"
    return document


async def test_pages_in_publication_order_with_a_cursor(client: Client, settings: Settings) -> None:
    ids = []
    for n in range(5):
        ids.append((await (await client.post(ARTICLE, json=person(n))).json())["id"])
    moderate_all(settings)
    first = await (await client.get(f"{ARTICLE}?limit=2")).json()
    validator("comment-list.schema.json").validate(first)
    assert [c["id"] for c in first["comments"]] == ids[:2]
    assert first["links"]["next"] == f"{ARTICLE}?limit=2&cursor={first['next_cursor']}"
    second = await (await client.get(first["links"]["next"])).json()
    third = await (await client.get(second["links"]["next"])).json()
    assert [c["id"] for c in second["comments"] + third["comments"]] == ids[2:]
    assert third["next_cursor"] is None and third["links"]["next"] is None
    count = await (await client.get(f"{ARTICLE}/count")).json()
    validator("comment-count.schema.json").validate(count)
    assert count == {"article_id": "a1", "count": 5}
    other = await (await client.get("/v1/articles/a2/comments")).json()
    assert other["comments"] == [] and other["next_cursor"] is None


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=x", "cursor=-1", "cursor=abc"])
async def test_a_bad_page_query_is_400(client: Client, query: str) -> None:
    response = await client.get(f"{ARTICLE}?{query}")
    assert response.status == 400
    body = await response.json(content_type=None)
    assert body["type"] == "/problems/invalid-query"
    assert body["errors"][0]["pointer"] == query.split("=")[0]


async def test_the_same_comment_twice_from_one_author_is_409_and_stores_nothing(
    client: Client, redis: Redis
) -> None:
    assert (await client.post(ARTICLE, json=person(1))).status == 202
    before = dump(redis)
    again = person(1)
    again["content"] = "  COMMENT number 1,   calm and on topic. "
    response = await client.post(ARTICLE, json=again)
    assert response.status == 409
    assert (await response.json(content_type=None))["type"] == "/problems/duplicate-comment"
    assert dump(redis) == before
    # Another author, or another article, may say the same.
    assert (await client.post(ARTICLE, json=person(2, again["content"]))).status == 202
    assert (await client.post("/v1/articles/a2/comments", json=again)).status == 202


async def test_a_flood_from_one_author_is_429_with_retry_after(
    aiohttp_client: Any, redis: Redis, settings: Settings
) -> None:
    client = await aiohttp_client(create_app(replace(settings, flood_author=Limit(2, 60))))
    for n in range(2):
        assert (
            await client.post(ARTICLE, json=person(1, f"Point {n} of my argument."))
        ).status == 202
    before = dump(redis)
    response = await client.post(ARTICLE, json=person(1, "Point 3 of my argument."))
    assert response.status == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert dump(redis) == before
    assert (await client.post(ARTICLE, json=person(2))).status == 202


async def test_a_flood_from_one_client_address_is_429(
    aiohttp_client: Any, settings: Settings
) -> None:
    client = await aiohttp_client(create_app(replace(settings, flood_client=Limit(3, 60))))
    statuses = [(await client.post(ARTICLE, json=person(n))).status for n in range(4)]
    assert statuses == [202, 202, 202, 429]


async def test_rate_limits_can_be_turned_off_for_benchmarks(
    aiohttp_client: Any, settings: Settings
) -> None:
    client = await aiohttp_client(
        create_app(replace(settings, flood_client=Limit(1, 60), rate_limits=False))
    )
    statuses = [(await client.post(ARTICLE, json=person(n))).status for n in range(3)]
    assert statuses == [202, 202, 202]


async def test_lists_are_cacheable_until_the_published_set_changes(
    client: Client, redis: Redis, settings: Settings
) -> None:
    first = await client.post(ARTICLE, json=person(1))
    moderate_all(settings)
    response = await client.get(ARTICLE)
    etag = response.headers["ETag"]
    assert "max-age" in response.headers["Cache-Control"]
    again = await client.get(ARTICLE, headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.headers["ETag"] == etag
    count = await client.get(f"{ARTICLE}/count")
    assert (
        await client.get(f"{ARTICLE}/count", headers={"If-None-Match": count.headers["ETag"]})
    ).status == 304
    # A comment held does not change the published set; one published does.
    held = valid_submission(
        content="Sources https://a.example/1 https://b.example/2 https://c.example/3"
    )
    held["author"]["email"] = "held@example.com"
    await client.post(ARTICLE, json=held)
    moderate_all(settings)
    assert (await client.get(ARTICLE, headers={"If-None-Match": etag})).status == 304
    await client.post(ARTICLE, json=person(2))
    moderate_all(settings)
    changed = await client.get(ARTICLE, headers={"If-None-Match": etag})
    assert changed.status == 200 and changed.headers["ETag"] != etag
    # Taking a comment down changes it too.
    etag = changed.headers["ETag"]
    moderator = token(redis, "moderator")
    comment_id = (await first.json())["id"]
    await client.post(
        f"/v1/moderation/comments/{comment_id}/decision",
        json={"action": "remove", "from": "published"},
        headers=moderator,
    )
    assert (await client.get(ARTICLE, headers={"If-None-Match": etag})).status == 200


async def test_the_tree_view_nests_replies_to_a_depth_limit(
    client: Client, settings: Settings
) -> None:
    parent = None
    ids = []
    for n in range(7):  # a chain of replies, each to the one before
        document = person(n)
        if parent:
            document["parent_id"] = parent
        response = await client.post(ARTICLE, json=document)
        assert response.status == 202, await response.text()
        parent = (await response.json())["id"]
        ids.append(parent)
        moderate_all(settings)
    tree = await (await client.get(f"{ARTICLE}?view=tree")).json()
    validator("comment-tree.schema.json").validate(tree)
    assert tree["truncated"] is False
    [root] = tree["threads"]
    depth, node, chain = 1, root, [root["comment"]["id"]]
    while node["replies"]:
        node = node["replies"][0]
        chain.append(node["comment"]["id"])
        depth += 1
    assert depth == 5  # the limit: deeper replies sit beside their parent
    assert chain == ids[:5]
    fifth_parent = root["replies"][0]["replies"][0]["replies"][0]
    assert [r["comment"]["id"] for r in fifth_parent["replies"]] == ids[4:]
