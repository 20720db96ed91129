"""Erasing an email address, purging old spam, exporting an article: through the real API,
real moderation and a real Redis, then every key and value searched."""

from __future__ import annotations

import json
from typing import Any

from redis import Redis

from services.core.emails import email_hash, keyed_hash
from services.core.settings import Settings
from services.store import keys, lifecycle
from tests.conftest import TEST_SECRET
from tests.helpers import Client, dump, entries, moderate_all, token, valid_submission

LINKS = "https://a.example/1 https://b.example/2 https://c.example/3"
ADA = {"name": "Ada Lovelace", "email": "ada@example.com", "url": "https://ada.example"}
BOB = {"name": "Bob Stone", "email": "bob@example.com"}
ADA_TEXTS = [
    "Analytical engines will weave algebraic patterns",
    f"My sources for the engine story: {LINKS}",
    "The second article deserves a careful reading too",
]


async def post(client: Client, article: str, author: dict[str, str], content: str,
               **extra: Any) -> str:  # fmt: skip
    response = await client.post(
        f"/v1/articles/{article}/comments",
        json=valid_submission(author=author, content=content, **extra),
    )
    assert response.status == 202, await response.text()
    return str((await response.json())["id"])


def everything(redis: Redis) -> str:
    return json.dumps(dump(redis)).lower()


async def test_erasing_an_address_leaves_no_trace_of_its_comments(
    client: Client, redis: Redis, settings: Settings
) -> None:
    first = await post(client, "a1", ADA, ADA_TEXTS[0])
    held = await post(client, "a1", ADA, ADA_TEXTS[1])
    other = await post(client, "a2", ADA, ADA_TEXTS[2])
    moderate_all(settings)
    reply = await post(client, "a1", BOB, "Bob agrees with the engine argument.", parent_id=first)
    moderate_all(settings)
    moderator = token(redis, "moderator")
    decided = await client.post(
        f"/v1/moderation/comments/{held}/decision", json={"action": "spam"}, headers=moderator
    )
    assert decided.status == 200
    banned = await client.post(
        "/v1/moderation/bans", json={"scope": "author", "comment_id": held}, headers=moderator
    )
    assert banned.status == 201
    reported = await client.post(f"/v1/comments/{first}/reports", json={"reason": "other"})
    assert reported.status == 202
    etag = (await client.get("/v1/articles/a1/comments")).headers["ETag"]
    hashed = email_hash(TEST_SECRET, ADA["email"])
    assert hashed in everything(redis) and "lovelace" in everything(redis)

    erased = lifecycle.erase_email(redis, TEST_SECRET, " ADA@Example.com ", actor="test")

    assert (erased.comments, erased.published) == (3, 2)
    stored = everything(redis)
    for trace in [hashed, "lovelace", "ada.example", *(t.lower() for t in ADA_TEXTS)]:
        assert trace not in stored, trace
    assert not redis.exists(keys.REPORTED, keys.reports(first), keys.reporters(first))
    for comment_id in (first, held, other):
        assert not redis.exists(keys.comment(comment_id))
        assert (await client.get(f"/v1/comments/{comment_id}")).status == 404
    # Readers: the article lists change (with their ETag); Bob's reply stays, now on top.
    listed = await client.get("/v1/articles/a1/comments")
    assert [c["id"] for c in (await listed.json())["comments"]] == [reply]
    assert listed.headers["ETag"] != etag
    assert (await (await client.get("/v1/articles/a2/comments/count")).json())["count"] == 0
    removed = [
        json.loads(f["data"])["comment_id"]
        for _, f in entries(redis, keys.article_events("a1"))
        if f["type"] == "comment.removed"
    ]
    assert removed == [first]
    # Moderators: the audit log says an erasure happened, not whose.
    audit = await (await client.get("/v1/moderation/audit", headers=moderator)).json()
    assert audit["entries"][0]["action"] == "erase"
    assert audit["entries"][0]["comments"] == 3
    # Bob is untouched; Ada may comment again (no ban, no duplicate mark, no flood count).
    assert redis.exists(keys.comment(reply))
    assert redis.smembers(keys.author_comments(email_hash(TEST_SECRET, BOB["email"]))) == {reply}
    await post(client, "a1", ADA, ADA_TEXTS[0])


async def test_old_spam_and_rejected_comments_are_purged(
    client: Client, redis: Redis, settings: Settings
) -> None:
    spam = await post(client, "a1", ADA, "Cheap pills here", honeypot="filled by a bot")
    rejected = await post(client, "a1", BOB, "A comment someone will reject")
    kept = await post(client, "a1", {**BOB, "email": "carl@example.com"}, "A clean fresh comment")
    moderate_all(settings)
    moderator = token(redis, "moderator")
    assert (await client.post(f"/v1/moderation/comments/{rejected}/decision",
                              json={"action": "reject", "from": "published"},
                              headers=moderator)).status == 200  # fmt: skip
    assert redis.hget(keys.comment(spam), "state") == "spam"

    assert lifecycle.purge(redis, 30) == 0  # decided just now
    in_40_days = redis.time()[0] + 40 * 86400
    assert lifecycle.purge(redis, 30, now=in_40_days) == 2
    assert not redis.exists(keys.comment(spam)) and not redis.exists(keys.comment(rejected))
    assert redis.hget(keys.comment(kept), "state") == "published"
    assert lifecycle.purge(redis, 0, now=in_40_days) == 0  # 0: keep forever


async def test_an_article_exports_as_its_readers_see_it(
    client: Client, redis: Redis, settings: Settings
) -> None:
    ids = [await post(client, "a1", {**BOB, "email": f"b{n}@example.com"}, f"Exported {n}")
           for n in range(3)]  # fmt: skip
    await post(client, "a1", ADA, f"Held: {LINKS}")
    moderate_all(settings)
    exported = list(lifecycle.export_article(redis, "a1"))
    listed = (await (await client.get("/v1/articles/a1/comments")).json())["comments"]
    assert [c["id"] for c in exported] == ids
    assert exported == listed
    assert "bob@example.com" not in json.dumps(exported)


async def test_erasing_finds_comments_kept_under_the_hash_before_mailboxes_were_folded(
    client: Client, redis: Redis, settings: Settings
) -> None:
    address = "Ada.L+news@gmail.com"
    comment_id = await post(client, "a1", {"name": "Ada", "email": address}, ADA_TEXTS[0])
    moderate_all(settings)
    # As a comment stored before folding was: under the hash of the address as written.
    old = keyed_hash(TEST_SECRET, address.lower())
    redis.rename(keys.author_comments(email_hash(TEST_SECRET, address)), keys.author_comments(old))
    redis.hset(keys.comment(comment_id), "email_hash", old)
    erasure = lifecycle.erase_email(redis, TEST_SECRET, address, actor="ops")
    assert erasure.comments == 1
    assert not redis.exists(keys.comment(comment_id))
