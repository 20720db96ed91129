"""Server-sent events of an article's comments: live, resumable, one Redis reader per
article however many readers there are."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import ClientResponse
from redis import Redis

from services.api.app import create_app
from services.api.state import FEEDS
from services.core.settings import Settings
from services.store import keys, lifecycle
from tests.conftest import TEST_SECRET
from tests.helpers import Client, eventually, moderate_all, served, token, valid_submission

STREAM = "/v1/articles/a1/comments/stream"


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings) -> Client:
    """The real API, served as `comments api` serves it."""
    return await aiohttp_client(served(create_app(settings)))  # type: ignore[no-any-return]


async def next_event(response: ClientResponse, timeout: float = 5.0) -> dict[str, Any]:
    """The next event (skipping heart-beat comments) as {id, event, data}."""
    event: dict[str, Any] = {}
    async with asyncio.timeout(timeout):
        while True:
            line = (await response.content.readline()).decode().rstrip("\r\n")
            if not line:
                if "data" in event:
                    return event
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            event[name] = json.loads(value) if name == "data" else value


async def publish(client: Client, settings: Settings, n: int) -> str:
    document = valid_submission(content=f"Live comment {n}, calm and on topic.")
    document["author"]["email"] = f"live{n}@example.com"
    comment_id = (await (await client.post("/v1/articles/a1/comments", json=document)).json())["id"]
    moderate_all(settings)  # blocks the loop a moment; the events wait in Redis
    return str(comment_id)


async def test_readers_see_comments_published_and_removed(
    client: Client, redis: Redis, settings: Settings
) -> None:
    response = await client.get(STREAM)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    first = await publish(client, settings, 1)
    event = await next_event(response)
    assert event["event"] == "comment.published"
    assert event["data"]["comment"]["id"] == first
    assert event["data"]["comment"]["content"] == "Live comment 1, calm and on topic."
    moderator = token(redis, "moderator")
    decided = await client.post(
        f"/v1/moderation/comments/{first}/decision",
        json={"action": "remove", "from": "published"},
        headers=moderator,
    )
    assert decided.status == 200
    removed = await next_event(response)
    assert (removed["event"], removed["data"]["comment_id"]) == ("comment.removed", first)
    assert "state" not in removed["data"]
    response.close()


async def test_a_reader_resumes_where_it_stopped_with_nothing_lost_or_repeated(
    client: Client, settings: Settings
) -> None:
    response = await client.get(STREAM)
    first = await publish(client, settings, 1)
    seen = await next_event(response)
    assert seen["data"]["comment"]["id"] == first
    response.close()
    missed = [await publish(client, settings, n) for n in (2, 3)]
    resumed = await client.get(STREAM, headers={"Last-Event-ID": seen["id"]})
    again = [await next_event(resumed), await next_event(resumed)]
    assert [e["data"]["comment"]["id"] for e in again] == missed
    live = await publish(client, settings, 4)
    assert (await next_event(resumed))["data"]["comment"]["id"] == live
    resumed.close()
    bad = await client.get(STREAM, headers={"Last-Event-ID": "yesterday"})
    assert bad.status == 400


@pytest.mark.parametrize("resume", ["1-", "-1", "1-2-3", "1-x"])
async def test_a_last_event_id_redis_would_refuse_is_refused_first(
    client: Client, resume: str
) -> None:
    # "1-" once passed the check and reached XRANGE, which refused it: a 200 stream that
    # ended at once, sending nothing, for the client to reconnect to again and again.
    response = await client.get(STREAM, headers={"Last-Event-ID": resume})
    assert response.status == 400
    assert (await response.json())["type"] == "/problems/invalid-query"


async def test_many_readers_share_one_redis_reader(client: Client, settings: Settings) -> None:
    readers = [await client.get(STREAM) for _ in range(50)]
    feeds, key = client.app[FEEDS], keys.article_events("a1")
    assert feeds.readers(key) == 50
    assert feeds.reading() == 1
    comment_id = await publish(client, settings, 1)
    events = await asyncio.gather(*(next_event(r) for r in readers))
    assert {e["data"]["comment"]["id"] for e in events} == {comment_id}
    for reader in readers:
        reader.close()
    await eventually(lambda: feeds.readers(key) == 0 and feeds.reading() == 0)


async def test_an_article_event_stream_expires_after_a_quiet_period(
    aiohttp_client: Any, settings: Settings, redis: Redis
) -> None:
    settings = replace(settings, article_events_ttl_s=600)
    client = await aiohttp_client(served(create_app(settings)))
    key = keys.article_events("a1")
    first = await publish(client, settings, 1)
    assert 590 <= redis.ttl(key) <= 600
    redis.expire(key, 30)  # as if it had been quiet for most of its life
    removed = await client.post(
        f"/v1/moderation/comments/{first}/decision",
        json={"action": "remove", "from": "published"},
        headers=token(redis, "moderator"),
    )
    assert removed.status == 200
    assert 590 <= redis.ttl(key) <= 600  # each event starts the quiet period again
    await publish(client, settings, 2)
    redis.expire(key, 30)
    lifecycle.erase_email(redis, TEST_SECRET, "live2@example.com", "test", article_events_ttl_s=600)
    assert 590 <= redis.ttl(key) <= 600  # so does an erasure's comment.removed


async def test_an_article_event_stream_can_be_kept_for_ever(
    aiohttp_client: Any, settings: Settings, redis: Redis
) -> None:
    settings = replace(settings, article_events_ttl_s=0)
    client = await aiohttp_client(served(create_app(settings)))
    await publish(client, settings, 1)
    assert redis.xlen(keys.article_events("a1")) == 1
    assert redis.ttl(keys.article_events("a1")) == -1
