"""Idempotent intake, client addresses behind proxies, per-token limits, durable answers."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from redis import Redis

from services.api.app import create_app
from services.core.settings import Limit, Settings
from services.ops import embedded_redis
from services.store import keys
from services.store.redis_config import config_warnings
from tests.helpers import Client, dump, token, valid_submission

URL = "/v1/articles/a1/comments"


async def test_the_same_key_and_body_give_the_same_answer_even_at_once(
    client: Client, redis: Redis
) -> None:
    body = valid_submission()
    headers = {"Idempotency-Key": "order-7f3a"}
    responses = await asyncio.gather(
        *(client.post(URL, json=body, headers=headers) for _ in range(100))
    )
    assert {r.status for r in responses} == {202}
    answers = [await r.json() for r in responses]
    assert len({a["id"] for a in answers}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 99
    assert len([k for k in redis.scan_iter(keys.comment("*"))]) == 1
    assert redis.llen("rq:queue:moderation") == 1


async def test_the_same_key_with_another_body_is_422_and_stores_nothing(
    client: Client, redis: Redis
) -> None:
    headers = {"Idempotency-Key": "order-7f3a"}
    assert (await client.post(URL, json=valid_submission(), headers=headers)).status == 202
    before = dump(redis)
    other = await client.post(
        URL, json=valid_submission(content="Something else."), headers=headers
    )
    assert other.status == 422
    assert (await other.json(content_type=None))["errors"][0]["pointer"] == "Idempotency-Key"
    assert dump(redis) == before
    assert (
        await client.post(URL, json=valid_submission(), headers={"Idempotency-Key": " "})
    ).status == 422


async def test_keys_expire(client: Client, redis: Redis, settings: Settings) -> None:
    await client.post(URL, json=valid_submission(), headers={"Idempotency-Key": "k1"})
    [key] = redis.keys(keys.idempotency("public", "*"))
    assert 0 < redis.ttl(key) <= settings.idempotency_ttl_s


@pytest.mark.parametrize(
    ("trusted", "forwarded", "limited"),
    [
        ((), "203.0.113.7", True),  # no trusted proxy: the header is ignored, one client
        (("127.0.0.1",), "203.0.113.7", False),  # each forwarded address is its own client
    ],
)
async def test_the_client_address_comes_from_trusted_proxies_only(
    aiohttp_client: Any, settings: Settings, trusted: tuple[str, ...], forwarded: str, limited: bool
) -> None:
    client = await aiohttp_client(
        create_app(replace(settings, flood_client=Limit(2, 60), trusted_proxies=trusted))
    )
    statuses = []
    for n in range(3):
        document = valid_submission(content=f"Point {n}.")
        document["author"]["email"] = f"r{n}@example.com"
        headers = {"X-Forwarded-For": f"{forwarded[:-1]}{n}, 127.0.0.1"}
        statuses.append((await client.post(URL, json=document, headers=headers)).status)
    assert statuses == ([202, 202, 429] if limited else [202, 202, 202])


async def test_a_site_token_has_its_own_limit(
    aiohttp_client: Any, redis: Redis, settings: Settings
) -> None:
    client = await aiohttp_client(
        create_app(replace(settings, flood_client=Limit(1, 60), flood_token=Limit(3, 60)))
    )
    site = token(redis, "site", "news-backend")
    statuses = []
    for n in range(4):
        document = valid_submission(content=f"Point {n}.")
        document["author"]["email"] = f"r{n}@example.com"
        statuses.append((await client.post(URL, json=document, headers=site)).status)
    assert statuses == [202, 202, 202, 429]


async def test_durable_answers_wait_for_the_fsync(aiohttp_client: Any, tmp_path: Path) -> None:
    from tests.conftest import TEST_SECRET

    server = embedded_redis.start(tmp_path / "valkey", durable=True)
    try:
        settings = Settings(secret=TEST_SECRET, redis_url=server.url, durability="local")
        client = await aiohttp_client(create_app(settings))
        assert (await client.post(URL, json=valid_submission())).status == 202
        # With the append-only file off, Redis cannot confirm: the answer is 503, not 202.
        Redis.from_url(server.url).config_set("appendonly", "no")
        response = await client.post(URL, json=valid_submission(content="another"))
        assert response.status == 503
    finally:
        server.stop()


def test_the_redis_settings_that_matter_are_checked() -> None:
    assert config_warnings({"appendonly": "yes", "maxmemory-policy": "noeviction"}) == []
    warnings = config_warnings({"appendonly": "no", "maxmemory-policy": "allkeys-lru"})
    assert len(warnings) == 2
    assert "appendonly" in warnings[0] and "noeviction" in warnings[1]
