"""Published pages served from bytes built once per article version: a reader never sees a page
older than the article, whatever changed it, and the cache stays within its bytes."""

from __future__ import annotations

import asyncio
from typing import Any

from redis import Redis

from services.api.page_cache import ENTRY_BYTES, PageCache
from services.core.settings import Settings
from tests.helpers import Client, moderate_all, token, valid_submission

ARTICLE = "/v1/articles/cached/comments"
VIEWS = ["", "?order=newest", "?view=tree", "?limit=1"]


def person(n: int, content: str) -> dict[str, Any]:
    document = valid_submission(content=content)
    document["author"]["email"] = f"reader{n}@example.com"
    return document


async def contents(client: Client, query: str) -> list[str]:
    response = await client.get(ARTICLE + query)
    assert response.status == 200 and response.content_type == "application/json"
    body = await response.json()
    if "threads" in body:  # no replies here: each thread is one comment
        return [t["comment"]["content"] for t in body["threads"]]
    return [c["content"] for c in body["comments"]]


async def count(client: Client) -> int:
    return int((await (await client.get(f"{ARTICLE}/count")).json())["count"])


async def test_every_change_to_an_article_reaches_its_cached_pages(
    client: Client, redis: Redis, settings: Settings
) -> None:
    first = await (await client.post(ARTICLE, json=person(1, "The first reader's view."))).json()
    moderate_all(settings)
    for query in VIEWS:  # read twice: the second answer comes from the cache
        assert await contents(client, query) == await contents(client, query)
    assert await contents(client, "") == ["The first reader's view."]
    assert await count(client) == await count(client) == 1

    await client.post(ARTICLE, json=person(2, "A second reader disagrees, politely."))
    moderate_all(settings)
    assert await contents(client, "") == [
        "The first reader's view.", "A second reader disagrees, politely."
    ]  # fmt: skip
    assert await contents(client, "?order=newest") == [
        "A second reader disagrees, politely.", "The first reader's view."
    ]  # fmt: skip
    assert await count(client) == 2

    # The reader edits their comment: taken back for moderation, then published as edited.
    edit = {"Edit-Token": first["edit_token"]}
    patch = await client.patch(
        f"/v1/comments/{first['id']}", json={"content": "The first reader's view, corrected."},
        headers=edit,
    )  # fmt: skip
    assert patch.status in {200, 202}, await patch.text()
    moderate_all(settings)
    assert "The first reader's view, corrected." in await contents(client, "?view=tree")
    assert "The first reader's view." not in await contents(client, "?view=tree")

    # A moderator takes it down: gone from every page.
    removed = await client.post(
        f"/v1/moderation/comments/{first['id']}/decision",
        json={"action": "remove", "from": "published"}, headers=token(redis, "moderator"),
    )  # fmt: skip
    assert removed.status == 200, await removed.text()
    for query in VIEWS:
        assert not any("first reader" in text for text in await contents(client, query))
    assert await count(client) == 1


async def test_readers_of_a_page_being_built_share_one_build() -> None:
    cache = PageCache(1 << 20)
    builds = 0

    async def build() -> bytes:
        nonlocal builds
        builds += 1
        await asyncio.sleep(0.05)
        return b"page"

    pages = await asyncio.gather(*(cache.page("a", "7", build) for _ in range(20)))
    assert pages == [b"page"] * 20 and builds == 1
    assert await cache.page("a", "7", build) == b"page" and builds == 1
    assert await cache.page("a", "8", build) == b"page" and builds == 2


async def test_a_reader_who_hangs_up_does_not_cancel_the_build_others_wait_for() -> None:
    cache = PageCache(1 << 20)
    started = asyncio.Event()

    async def build() -> bytes:
        started.set()
        await asyncio.sleep(0.05)
        return b"page"

    first = asyncio.create_task(cache.page("a", "1", build))
    await started.wait()
    second = asyncio.create_task(cache.page("a", "1", build))
    first.cancel()
    assert await second == b"page"


async def test_the_cache_keeps_to_its_bytes_least_recently_used_first_out() -> None:
    body = b"x" * 1000
    cache = PageCache(20 * (ENTRY_BYTES + len(body)))

    async def build() -> bytes:
        return body

    for n in range(100):
        await cache.page(("article", n), "1", build)
        await cache.page(("article", 0), "1", build)  # read again: kept
    assert cache.size <= cache.max_bytes
    assert cache.size == 20 * (ENTRY_BYTES + len(body))
    built: list[int] = []

    async def counted() -> bytes:
        built.append(1)
        return body

    await cache.page(("article", 0), "1", counted)
    await cache.page(("article", 99), "1", counted)
    await cache.page(("article", 50), "1", counted)
    assert len(built) == 1  # only the 50th had been dropped

    # Unknown articles and every cursor: small pages, counted with what each entry costs.
    for n in range(10_000):
        await cache.page(("probe", n), "0", lambda: asyncio.sleep(0, b"{}"))
    assert cache.size <= cache.max_bytes


async def test_a_page_too_big_to_keep_is_served_and_not_kept() -> None:
    cache = PageCache(8000)
    big = b"x" * 2000

    async def build() -> bytes:
        return big

    assert await cache.page("tree", "1", build) == big
    assert cache.size == 0
