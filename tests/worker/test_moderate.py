"""Moderation through the real path: HTTP intake, the RQ job run by a real SimpleWorker,
the verdict in Redis, the public list and the event stream."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from redis import Redis

from services.core.rules import ProfanityPolicy
from services.core.schemas import validator
from services.core.settings import Settings
from services.store import keys
from services.worker.context import configure
from services.worker.tasks import moderate
from tests.helpers import Client, dump, entries, moderate_all, valid_submission

ARTICLE = "/v1/articles/a1/comments"


async def submit(client: Client, content: str, **changes: Any) -> str:
    response = await client.post(ARTICLE, json=valid_submission(content=content, **changes))
    assert response.status == 202, await response.text()
    return str((await response.json())["id"])


async def status_of(client: Client, comment_id: str) -> dict[str, Any]:
    body: dict[str, Any] = await (await client.get(f"/v1/comments/{comment_id}")).json()
    return body


def events(redis: Redis, kind: str = "comment.published") -> list[dict[str, Any]]:
    """The events of one kind on the stream, each checked against the event schema."""
    found = []
    for _id, fields in entries(redis, keys.EVENTS):
        data = json.loads(fields["data"])
        validator("comment-event.schema.json").validate(data)
        assert (fields["type"], fields["comment_id"]) == (data["type"], data["comment_id"])
        if data["type"] == kind:
            found.append(data)
    return found


def verdict(redis: Redis, comment_id: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(redis.hget(keys.comment(comment_id), "verdict") or "{}")
    return value


async def test_a_clean_comment_is_published_listed_and_announced(
    client: Client, redis: Redis, settings: Settings
) -> None:
    comment_id = await submit(client, "A clear, fair piece. Thank you for the reporting.")
    assert moderate_all(settings) == 1
    assert (await status_of(client, comment_id))["status"] == "published"
    listed = await (await client.get(ARTICLE)).json()
    assert [c["id"] for c in listed["comments"]] == [comment_id]
    assert (await (await client.get(f"{ARTICLE}/count")).json())["count"] == 1
    [event] = events(redis)
    assert event["type"] == "comment.published"
    assert event["comment"] == listed["comments"][0]
    assert redis.zscore(keys.state_set("pending"), comment_id) is None


async def test_three_links_are_held_with_the_reason(
    client: Client, redis: Redis, settings: Settings
) -> None:
    comment_id = await submit(
        client, "Sources: https://a.example/1 https://b.example/2 https://c.example/3"
    )
    moderate_all(settings)
    assert (await status_of(client, comment_id))["status"] == "held"
    assert redis.zscore(keys.state_set("held"), comment_id) is not None
    reasons = verdict(redis, comment_id)["reasons"]
    [links] = [r for r in reasons if r["check"] == "links"]
    assert links["action"] == "hold"
    assert links["detail"] == "3 links, more than 2"
    assert len(links["matched"]) == 3
    assert events(redis) == []
    assert [e["comment_id"] for e in events(redis, "comment.held")] == [comment_id]
    assert (await (await client.get(ARTICLE)).json())["comments"] == []


@pytest.mark.parametrize(
    ("policy", "status", "published"),
    [
        (ProfanityPolicy.HOLD, "held", None),
        (ProfanityPolicy.REJECT, "rejected", None),
        (ProfanityPolicy.CENSOR, "published", "What a load of ****, honestly."),
    ],
)
async def test_a_disguised_profane_word_follows_the_policy(
    aiohttp_client: Any,
    redis: Redis,
    settings: Settings,
    policy: ProfanityPolicy,
    status: str,
    published: str | None,
) -> None:
    from services.api.app import create_app

    settings = replace(settings, rules=replace(settings.rules, profanity_policy=policy))
    client = await aiohttp_client(create_app(settings))
    comment_id = await submit(client, "What a load of Ｓ.Н.І.Т, honestly.")
    moderate_all(settings)
    body = await status_of(client, comment_id)
    assert body["status"] == status
    [reason] = [r for r in verdict(redis, comment_id)["reasons"] if r["check"] == "profanity"]
    assert reason["matched"] == ["Ｓ.Н.І.Т"]
    if published:
        assert body["comment"]["content"] == published


async def test_emails_are_masked_in_the_published_text_and_the_event(
    client: Client, redis: Redis, settings: Settings
) -> None:
    comment_id = await submit(
        client, "Write to jane.doe@example.org or john at example dot com about it."
    )
    moderate_all(settings)
    content = (await status_of(client, comment_id))["comment"]["content"]
    assert content == "Write to j***@e***.org or j***@e***.com about it."
    [event] = events(redis)
    assert event["comment"]["content"] == content
    assert "jane.doe" not in json.dumps(event) and "john" not in json.dumps(event)


async def test_running_a_job_twice_publishes_once(
    client: Client, redis: Redis, settings: Settings
) -> None:
    comment_id = await submit(client, "Nothing to see here, a calm comment.")
    configure(settings)
    assert moderate(comment_id) == "published"
    after_first = dump(redis)
    assert moderate(comment_id) == "published"
    second = dump(redis)
    assert second == after_first
    assert len(events(redis)) == 1
    assert redis.zcard(keys.published("a1")) == 1


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"honeypot": "http://bot.example"}, "honeypot"),
        ({"fill_ms": 300}, "fill_time"),
    ],
)
async def test_a_bot_filling_a_browser_form_gets_202_and_spam(
    client: Client, redis: Redis, settings: Settings, changes: dict[str, Any], check: str
) -> None:
    comment_id = await submit(client, "Great article, very informative.", **changes)
    moderate_all(settings)
    assert (await status_of(client, comment_id))["status"] == "spam"
    assert check in {r["check"] for r in verdict(redis, comment_id)["reasons"]}


async def test_operator_word_lists(aiohttp_client: Any, redis: Redis, settings: Settings) -> None:
    from services.api.app import create_app

    rules = replace(
        settings.rules, disallowed_words=("cheap pills",), moderation_words=("lawsuit",)
    )
    settings = replace(settings, rules=rules)
    client = await aiohttp_client(create_app(settings))
    spam = await submit(client, "Get CHEAP   pills here")
    held = await submit(client, "Is there a lawsuit coming?")
    moderate_all(settings)
    assert (await status_of(client, spam))["status"] == "spam"
    assert (await status_of(client, held))["status"] == "held"


async def test_the_same_content_across_articles_becomes_spam(
    client: Client, redis: Redis, settings: Settings
) -> None:
    text = "Interesting point, I agree with most of it."
    ids = []
    for article in ["a1", "a2", "a3", "a4"]:
        response = await client.post(
            f"/v1/articles/{article}/comments", json=valid_submission(content=text)
        )
        ids.append((await response.json())["id"])
    moderate_all(settings)
    states = [(await status_of(client, i))["status"] for i in ids]
    assert states == ["published", "published", "spam", "spam"]
    assert "duplicate_spread" in {r["check"] for r in verdict(redis, ids[2])["reasons"]}
