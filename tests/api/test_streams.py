"""Event streams end when their client goes, hold none of the Redis connections requests use,
and past the per-process cap are refused with 503 before they cost anything."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import ClientResponse, ClientSession, TCPConnector
from prometheus_client import REGISTRY
from redis import Redis

from services.api.app import create_app
from services.api.state import REDIS
from services.core.settings import Settings
from services.store import keys
from tests.api.test_live import next_event, publish
from tests.helpers import Client, entries, eventually, served, token, valid_submission

DROPPED = 300
STREAM_ROUTE = "/v1/articles/{article_id}/comments/stream"


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings) -> Client:
    """The real API, served as `comments api` serves it."""
    return await aiohttp_client(served(create_app(settings)))  # type: ignore[no-any-return]


def blocked_clients(redis: Redis) -> int:
    """Connections Redis holds in a blocking command (an XREAD waiting for entries)."""
    return sum("b" in c["flags"] for c in redis.client_list())


def live_readers() -> float:
    """The `comments_live_readers` gauge: open event streams."""
    return REGISTRY.get_sample_value("comments_live_readers") or 0.0


def stream_answers() -> dict[str, float]:
    """`comments_http_requests_total` of the article stream route, by status."""
    return {
        sample.labels["status"]: sample.value
        for metric in REGISTRY.collect()
        if metric.name == "comments_http_requests"
        for sample in metric.samples
        if sample.name.endswith("_total") and sample.labels["route"] == STREAM_ROUTE
    }


def requests_in_use(client: Client) -> int:
    return len(client.app[REDIS].connection_pool._in_use_connections)


async def post_comment(client: Client, n: int) -> int:
    document = valid_submission(content=f"Still taking comments, number {n}.")
    document["author"]["email"] = f"after{n}@example.com"
    return (await client.post("/v1/articles/after/comments", json=document)).status


async def open_streams(session: ClientSession, client: Client, n: int) -> list[ClientResponse]:
    return await asyncio.gather(
        *(session.get(client.make_url(f"/v1/articles/quiet-{i}/comments/stream")) for i in range(n))
    )


async def test_hundreds_of_dropped_streams_leave_the_service_as_it_was(
    client: Client, redis: Redis, settings: Settings
) -> None:
    assert (await client.get("/readyz")).status == 200
    in_use, readers = requests_in_use(client), live_readers()
    async with ClientSession(connector=TCPConnector(limit=0)) as session:
        streams = await open_streams(session, client, DROPPED)
        assert [r.status for r in streams] == [200] * DROPPED
        # Hundreds of quiet articles are read on a handful of connections of their own.
        assert blocked_clients(redis) <= settings.stream_redis_connections
        assert await post_comment(client, 1) == 202
        for stream in streams:
            stream.close()  # the reader goes: its connection is dropped
    await eventually(lambda: live_readers() == readers and blocked_clients(redis) == 0)
    assert requests_in_use(client) == in_use
    assert await post_comment(client, 2) == 202
    assert (await client.get("/readyz")).status == 200


async def test_streams_past_the_cap_are_refused_with_503_and_retry_after(
    aiohttp_client: Any, settings: Settings
) -> None:
    client = await aiohttp_client(served(create_app(replace(settings, max_streams=3))))
    readers = live_readers()
    open_ = [await client.get(f"/v1/articles/a{i}/comments/stream") for i in range(3)]
    assert [r.status for r in open_] == [200, 200, 200]
    refused = await client.get("/v1/articles/a9/comments/stream")
    assert refused.status == 503
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert int(refused.headers["Retry-After"]) > 0
    problem = await refused.json(content_type=None)
    assert problem["status"] == 503 and "event streams" in problem["detail"]
    assert (await client.get("/readyz")).status == 200  # nothing else is refused
    open_[0].close()
    await eventually(lambda: live_readers() == readers + 2)
    again = await client.get("/v1/articles/a9/comments/stream")
    assert again.status == 200
    again.close()
    for response in open_[1:]:
        response.close()


async def test_a_stream_closed_before_its_event_ends_without_an_error(
    client: Client, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    before = stream_answers()
    response = await client.get("/v1/articles/a1/comments/stream")
    assert response.status == 200
    response.close()
    await publish(client, settings, 1)
    await eventually(lambda: sum(stream_answers().values()) == sum(before.values()) + 1)
    assert stream_answers().get("500", 0) == before.get("500", 0)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_quiet_moderation_stream_outlasts_the_redis_socket_timeout(
    client: Client, redis: Redis, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    response = await client.get("/v1/moderation/stream", headers=token(redis, "moderator"))
    assert response.status == 200
    # Its read waits on a connection of the feeds, never on one requests use (whose socket
    # timeout, 5 s, would cut a longer wait short).
    await eventually(lambda: blocked_clients(redis) == 1)
    assert requests_in_use(client) == 0
    await asyncio.sleep(6)  # quiet for longer than that socket timeout
    comment_id = await publish(client, settings, 1)
    event = await next_event(response)
    assert (event["event"], event["data"]["comment_id"]) == ("comment.published", comment_id)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    response.close()


async def test_a_moderation_stream_resumes_after_its_last_event_id(
    client: Client, redis: Redis, settings: Settings
) -> None:
    moderator = token(redis, "moderator")
    first, second = await publish(client, settings, 1), await publish(client, settings, 2)
    seen = [i for i, f in entries(redis, keys.EVENTS) if f.get("comment_id") == first][-1]
    resumed = await client.get(
        "/v1/moderation/stream", headers={**moderator, "Last-Event-ID": seen}
    )
    event = await next_event(resumed)
    assert (event["event"], event["data"]["comment_id"]) == ("comment.published", second)
    resumed.close()
    bad = await client.get("/v1/moderation/stream", headers={**moderator, "Last-Event-ID": "$"})
    assert bad.status == 400
