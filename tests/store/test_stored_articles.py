"""stored_articles_put.lua against the real server: what it writes, and when it audits."""

from __future__ import annotations

import json

from redis import Redis
from redis.asyncio import Redis as AsyncRedis

from services.core.article_settings import Article, CommentStatus
from services.core.emails import email_hash
from services.core.rules import Premoderation
from services.store import keys
from services.store.lifecycle import erase_email
from services.store.stored_articles import put_article
from tests.conftest import TEST_SECRET
from tests.helpers import entries


async def test_a_put_stores_the_record_and_audits_only_a_change_of_settings(
    redis: Redis, redis_url: str
) -> None:
    client = AsyncRedis.from_url(redis_url, decode_responses=True)
    audit = {"at": "t", "actor": "mia", "article_id": "a1"}
    try:
        first = Article("a1", title="One", updated_at="t1", updated_by="news")
        stored = await put_article(client, first, "t0", audit)
        assert (stored.created, stored.changed) == (True, False)  # the defaults, as before
        record = redis.hgetall(keys.article("a1"))
        assert (record["title"], record["status"], record["created_at"]) == ("One", "open", "t0")
        closed = Article("a1", status=CommentStatus.CLOSED, premoderation=Premoderation.ALL)
        stored = await put_article(client, closed, "t9", audit)
        assert (stored.created, stored.changed) == (False, True)
        assert redis.hget(keys.article("a1"), "created_at") == "t0"  # kept from the first
        assert redis.hget(keys.article("a1"), "title") == ""  # replaced whole
        renamed = Article("a1", title="Two", status=CommentStatus.CLOSED,
                          premoderation=Premoderation.ALL)  # fmt: skip
        assert not (await put_article(client, renamed, "t9", audit)).changed
        reopened = Article("a1", title="Two")
        assert (await put_article(client, reopened, "t9", audit)).changed
    finally:
        await client.aclose()
    logged = [json.loads(f["data"]) for _, f in entries(redis, keys.AUDIT)]
    assert [e["action"] for e in logged] == ["article.close", "article.reopen"]
    assert logged[0]["from"] == {"status": "open", "close_after_days": "", "premoderation": ""}
    assert logged[0]["to"]["premoderation"] == "all"
    assert logged[1]["actor"] == "mia"


async def test_the_first_comment_of_an_unknown_article_is_not_a_settings_change(
    redis: Redis, redis_url: str
) -> None:
    redis.hset(keys.article("a2"), "created_at", "t0")  # what the intake writes
    client = AsyncRedis.from_url(redis_url, decode_responses=True)
    try:
        stored = await put_article(client, Article("a2", title="x"), "t5", {"actor": "news"})
    finally:
        await client.aclose()
    assert (stored.created, stored.changed) == (False, False)
    assert redis.xlen(keys.AUDIT) == 0


def test_erasing_an_address_forgets_that_its_author_was_trusted(redis: Redis) -> None:
    hashed = email_hash(TEST_SECRET, "ada@example.com")
    redis.hset(keys.TRUSTED, mapping={hashed: "{}", "b" * 64: "{}"})
    erase_email(redis, TEST_SECRET, "ada@example.com", "root")
    assert list(redis.hgetall(keys.TRUSTED)) == ["b" * 64]
