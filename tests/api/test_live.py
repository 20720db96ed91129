"""Server-sent events of an article's comments: live, resumable, one Redis reader per
article however many readers there are."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from redis import Redis

from services.api.state import FEEDS
from services.core.settings import Settings
from tests.helpers import moderate_all, token, valid_submission

STREAM = "/v1/articles/a1/comments/stream"


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


async def publish(client: TestClient, settings: Settings, n: int) -> str:
    document = valid_submission(content=f"Live comment {n}, calm and on topic.")
    document["author"]["email"] = f"live{n}@example.com"
    comment_id = (await (await client.post("/v1/articles/a1/comments", json=document)).json())["id"]
    moderate_all(settings)  # blocks the loop a moment; the events wait in Redis
    return str(comment_id)


async def test_readers_see_comments_published_and_removed(
    client: TestClient, redis: Redis, settings: Settings
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
    client: TestClient, settings: Settings
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


async def test_many_readers_share_one_redis_reader(client: TestClient, settings: Settings) -> None:
    readers = [await client.get(STREAM) for _ in range(50)]
    feeds = client.app[FEEDS]
    assert feeds.readers("a1") == 50
    assert len(feeds._feeds) == 1
    comment_id = await publish(client, settings, 1)
    events = await asyncio.gather(*(next_event(r) for r in readers))
    assert {e["data"]["comment"]["id"] for e in events} == {comment_id}
    for reader in readers:
        reader.close()
    for _ in range(100):
        if feeds.readers("a1") == 0:
            break
        await asyncio.sleep(0.02)
    assert feeds.readers("a1") == 0 and not feeds._feeds
