"""Campaigns across authors, through the real path (HTTP intake, a real SimpleWorker, Redis):
near-duplicate promotional texts are linked, a common phrase from different readers is not."""

from __future__ import annotations

import pytest
from redis import Redis

from services.core.near_dup import bands
from services.core.settings import Settings
from services.store import keys
from services.store.priors import read_prior, seed
from tests.helpers import Client, moderate_all, valid_submission
from tests.worker.test_moderate import status_of, verdict

CONDOLENCE = "Rest in peace, my thoughts are with the family."
PROMOTION = [
    "Hey everyone, check out my new channel for daily guitar covers and please subscribe!",
    "Hey everyone, check out my new channel for weekly guitar covers and please subscribe!",
    "Hey everyone, check out my new channel for monthly guitar covers and please subscribe!",
]


async def post_as(client: Client, reader: int, article: str, text: str) -> str:
    author = {"name": f"Reader {reader}", "email": f"reader{reader}@example.com"}
    response = await client.post(
        f"/v1/articles/{article}/comments", json=valid_submission(author=author, content=text)
    )
    assert response.status == 202, await response.text()
    return str((await response.json())["id"])


@pytest.mark.parametrize("prior", ["off", "shipped"])
async def test_three_readers_posting_the_same_condolence_are_all_published(
    client: Client, redis: Redis, settings: Settings, prior: str
) -> None:
    if prior == "shipped":
        assert seed(redis, read_prior(""))
    ids = []
    for reader, article in enumerate(["obituary-1", "obituary-2", "obituary-3"]):
        ids.append(await post_as(client, reader, article, CONDOLENCE))
        moderate_all(settings)
    assert [(await status_of(client, i))["status"] for i in ids] == ["published"] * 3
    assert "duplicate_spread" not in {r["check"] for r in verdict(redis, ids[2])["reasons"]}


async def test_one_word_variants_of_a_promotion_from_three_authors_are_a_campaign(
    client: Client, redis: Redis, settings: Settings
) -> None:
    ids = []
    for reader, (article, text) in enumerate(zip(["a1", "a2", "a3"], PROMOTION, strict=True)):
        ids.append(await post_as(client, reader, article, text))
        moderate_all(settings)
    assert (await status_of(client, ids[2]))["status"] == "spam"
    [spread] = [r for r in verdict(redis, ids[2])["reasons"] if r["check"] == "duplicate_spread"]
    assert spread["action"] == "spam"
    assert "3 article/author pairs (3 authors)" in spread["detail"]
    # The index is in Redis, so every worker sees it, and it expires with the window.
    band_key = keys.near_dup(bands(PROMOTION[0])[0])
    assert 0 < redis.pttl(band_key) <= settings.rules.duplicate_window_s * 1000


async def test_the_same_link_from_three_readers_is_held_not_lost(
    client: Client, redis: Redis, settings: Settings
) -> None:
    text = "Katy Perry - Roar (Official): https://video.example/watch?v=roar"
    ids = []
    for reader, article in enumerate(["a1", "a2", "a3"]):
        ids.append(await post_as(client, reader, article, text))
        moderate_all(settings)
    assert (await status_of(client, ids[2]))["status"] == "held"
    assert "duplicate_spread" in {r["check"] for r in verdict(redis, ids[2])["reasons"]}
