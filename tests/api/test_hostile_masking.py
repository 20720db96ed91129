"""Masking through the real API and workers: a hostile text does not stall the event loop,
and addresses in disguise, in the name or in the URL are masked wherever they are shown."""

from __future__ import annotations

import asyncio
import json
import time

from redis import Redis

from services.core.settings import Settings
from tests.helpers import Client, moderate_all, token, valid_submission

LINKS = "Sources: https://a.example/1 https://b.example/2 https://c.example/3"
# Made the old masker backtrack for seconds: a long run of local-part characters, no `@`.
HOSTILE = f"{LINKS} " + "+-" * 4000 + ".com"


async def submit(client: Client, content: str, **author: str) -> str:
    document = valid_submission(content=content)
    document["author"].update(author)
    response = await client.post("/v1/articles/a1/comments", json=document)
    assert response.status == 202, await response.text()
    return str((await response.json())["id"])


async def test_held_hostile_comments_do_not_stall_the_api(
    client: Client, redis: Redis, settings: Settings
) -> None:
    for n in range(2):
        await submit(client, f"Point {n}. {HOSTILE}")
    moderate_all(settings)
    queue = asyncio.create_task(
        client.get("/v1/moderation/queue", headers=token(redis, "moderator"))
    )
    waits = []
    while not queue.done():  # /healthz, again and again, while the queue is being read
        started = time.monotonic()
        assert (await client.get("/healthz")).status == 200
        waits.append(time.monotonic() - started)
    page = await (await queue).json()
    assert len(page["items"]) == 2
    assert max(waits) < 1.0, f"/healthz waited {max(waits):.1f} s behind the moderation queue"


async def test_the_moderation_api_masks_addresses_in_names_and_urls(
    client: Client, redis: Redis, settings: Settings
) -> None:
    await submit(
        client,
        LINKS,
        name="jane.roe@example.com",
        url="https://example.org/contact?to=jane.roe%40example.com",
    )
    moderate_all(settings)
    page = await (
        await client.get("/v1/moderation/queue", headers=token(redis, "moderator"))
    ).json()
    [item] = page["items"]
    assert item["author"]["name"] == "j***@e***.com"
    assert item["author"]["url"] == "https://example.org/contact?to=j***@e***.com"
    assert "jane.roe" not in json.dumps(page)
