"""Disguised profanity and abuse through the real path: HTTP intake, a real RQ worker, the
final state read back over HTTP and the reasons from the stored verdict. Each disguise is
one form at a time; the sentences here were written for these tests and appear nowhere in
the code."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from redis import Redis

from services.core.rules import ProfanityPolicy, SlurPolicy
from services.core.settings import Settings
from services.store import keys
from tests.helpers import Client, moderate_all, valid_submission

ARTICLE = "/v1/articles/a1/comments"


async def moderated(client: Client, settings: Settings, content: str) -> dict[str, Any]:
    response = await client.post(ARTICLE, json=valid_submission(content=content))
    assert response.status == 202, await response.text()
    comment_id = (await response.json())["id"]
    assert moderate_all(settings) == 1
    body: dict[str, Any] = await (await client.get(f"/v1/comments/{comment_id}")).json()
    return body


def reasons(redis: Redis, comment_id: str) -> dict[str, dict[str, Any]]:
    verdict = json.loads(redis.hget(keys.comment(comment_id), "verdict") or "{}")
    return {r["check"]: r for r in verdict["reasons"]}


@pytest.mark.parametrize(
    ("form", "content"),
    [
        ("masked letter", "This ruling is f*cking absurd."),
        ("masked letter as a hyphen", "What a f-cking waste of a budget."),
        ("masked letters", "The mayor is a motherf***er and everyone knows it."),
        ("two masks", "Oh f**k, the bridge closed again."),
        ("a look-alike from UTS #39", "ƒucking potholes on every street."),
        ("Canadian syllabics and a symbol standing for a letter", "ᖴᑌᑕK the new parking fees."),
        ("a default-ignorable inside", "What a load of bull\u2064sh\u180bit from the council."),
        ("leetspeak", "Total b1tch of a commute this week."),
        ("separators", "The whole plan is s_h_i_t and they know it."),
        ("repeated letters", "Shiiiiit, the trains are late again."),
        ("joined words", "Listen here dumbshit, the vote was fair."),
        ("a prefixed letter", "The tax office can zfuck right off."),
        ("LDNOOBW, not in better-profanity", "Another camwhore ad under a news story."),
    ],
)
async def test_each_disguise_is_held_with_its_reason(
    aiohttp_client: Any, redis: Redis, settings: Settings, form: str, content: str
) -> None:
    from services.api.app import create_app

    hold = ProfanityPolicy.HOLD
    settings = replace(settings, rules=replace(settings.rules, profanity_policy=hold))
    client = await aiohttp_client(create_app(settings))
    body = await moderated(client, settings, content)
    assert body["status"] == "held", form
    assert reasons(redis, body["id"])["profanity"]["action"] == "hold", form


@pytest.mark.parametrize(
    ("content", "published"),
    [
        (
            "The bridge is shut again, what a load of shit.",
            "The bridge is shut again, what a load of ****.",
        ),
        (
            "Holy f*ck, forty years on that line and they close it.",
            "Holy ****, forty years on that line and they close it.",
        ),
        (
            "The new stadium roof looks fucking great at night.",
            "The new stadium roof looks **** great at night.",
        ),
    ],
)
async def test_by_default_swearing_is_published_masked(
    client: Client, redis: Redis, settings: Settings, content: str, published: str
) -> None:
    body = await moderated(client, settings, content)
    assert body["status"] == "published", (content, reasons(redis, body["id"]))
    assert body["comment"]["content"] == published
    assert reasons(redis, body["id"])["profanity"]["action"] == "censor"


@pytest.mark.parametrize(
    "content",
    [
        "You are a fucking idiot and everyone on this street knows it.",
        "Shut your mouth or I will hurt you, shithead.",
        "Go back home, you w0p.",
    ],
)
async def test_by_default_swearing_at_a_person_or_a_slur_is_held(
    client: Client, redis: Redis, settings: Settings, content: str
) -> None:
    body = await moderated(client, settings, content)
    assert body["status"] == "held", (content, reasons(redis, body["id"]))


@pytest.mark.parametrize(
    "content",
    [
        "People like you should go jump off a cliff, honestly.",
        "Do us all a favour and hang yourself, clown.",
        "Nobody likes you, and I hope you die alone.",
        "Shut it or I will hurt you, I know where you live.",
        "You are a complete waste of oxygen and a pathetic little man.",
    ],
)
async def test_abuse_without_listed_words_is_held(
    client: Client, redis: Redis, settings: Settings, content: str
) -> None:
    body = await moderated(client, settings, content)
    assert body["status"] == "held", content
    found = reasons(redis, body["id"])
    assert "profanity" not in found
    assert found["abuse"]["action"] == "hold"


@pytest.mark.parametrize(
    "content",
    [
        "Scunthorpe United drew at home; Cockburn scored the late equaliser.",
        "Dick Cheney once ordered shiitake risotto there, the menu says.",
        "The inspectors will assess the classes and the cocktail bar in March.",
        "A peacock strutted past the spice stall while the shuttlecock flew.",
        "The council should kill the proposal; the shooter story was hard to read.",
        "Pass the 455 bus timetable, please: the e-mail had a typo in it.",
    ],
)
async def test_ordinary_news_comments_stay_published(
    client: Client, redis: Redis, settings: Settings, content: str
) -> None:
    body = await moderated(client, settings, content)
    assert body["status"] == "published", (content, reasons(redis, body["id"]))
    assert body["comment"]["content"] == content


async def test_a_slur_follows_the_slur_policy(
    aiohttp_client: Any, redis: Redis, settings: Settings
) -> None:
    from services.api.app import create_app

    settings = replace(settings, rules=replace(settings.rules, slur_policy=SlurPolicy.REJECT))
    client = await aiohttp_client(create_app(settings))
    body = await moderated(client, settings, "Go back home, you w0p.")
    assert body["status"] == "rejected"
    assert "slur" in reasons(redis, body["id"])["profanity"]["detail"]
