"""Real names in every script, through HTTP to the published comment; names that show
nothing refused; one mailbox counted as one author however its address is spelled."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from redis import Redis

from services.api.app import create_app
from services.core.emails import mask_email
from services.core.settings import Limit, Settings
from services.store import keys
from tests.helpers import Client, ServiceTestServer, dump, moderate_all, valid_submission

ARTICLE = "/v1/articles/a1/comments"

NAMES = {
    # As platforms send them: an embedding around the name, a mark after it.
    "arabic": ("\u202bمحمد العلي\u202c\u200e", "محمد العلي"),
    "hebrew": ("\u202bנועה כהן\u202c\u200e", "נועה כהן"),
    "persian-zwnj": ("\u0645\u0647\u200c\u0633\u0627", "مه\u200cسا"),
    "devanagari-zwj": ("\u0905\u0930\u094d\u200d\u091c\u0941\u0928", "अर्\u200dजुन"),
    "emoji-zwj-vs16": ("\U0001f3f3\ufe0f\u200d\U0001f308 Sam", "🏳️\u200d🌈 Sam"),
    "cjk": ("李小龍", "李小龍"),
    "override": ("Ada\u202e\u2066evil\u2069", "Adaevil"),
}  # fmt: skip


def by(name: str, email: str = "reader@example.com", content: str = "") -> dict[str, Any]:
    document = valid_submission(content=content or f"A thoughtful comment from {email}.")
    document["author"].update(name=name, email=email)
    return document


@pytest.mark.parametrize(("given", "shown"), NAMES.values(), ids=NAMES.keys())
async def test_real_names_are_accepted_and_published_without_layout_controls(
    client: Client, settings: Settings, given: str, shown: str
) -> None:
    response = await client.post(ARTICLE, json=by(given))
    assert response.status == 202, await response.text()
    accepted = await response.json()
    moderate_all(settings)
    body = await (await client.get(accepted["links"]["self"])).json()
    assert body["status"] == "published"
    assert body["comment"]["author"]["name"] == shown
    assert not set(shown) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e")


@pytest.mark.parametrize(
    "name",
    ["\u200b", "\u200b\u2060\ufeff", "\u3164\u3164", "\u2800", "\u200d\ufe0f", "\u202e\u200f"],
    ids=["zwsp", "invisibles", "hangul-filler", "braille-blank", "joiner-selector", "bidi-only"],
)
async def test_a_name_that_shows_nothing_is_422(client: Client, redis: Redis, name: str) -> None:
    response = await client.post(ARTICLE, json=by(name))
    assert response.status == 422
    body = await response.json(content_type=None)
    assert [e["pointer"] for e in body["errors"]] == ["/author/name"]
    assert dump(redis) == {}


async def test_a_control_character_in_a_name_is_422(client: Client, redis: Redis) -> None:
    response = await client.post(ARTICLE, json=by("Ada\x1bLovelace"))
    assert response.status == 422
    assert (await response.json(content_type=None))["errors"] == [
        {"pointer": "/author/name", "message": "must not contain control characters"}
    ]
    assert dump(redis) == {}


@pytest.mark.parametrize(
    ("form_value", "message"),
    [("%C2%B2%C2%B3", "must be of type integer"), ("9" * 5000, "is too large a number")],
    ids=["superscripts", "5000-digits"],
)
async def test_a_form_fill_ms_that_is_no_number_is_422(
    client: Client, redis: Redis, form_value: str, message: str
) -> None:
    body = f"comment=Hi&author=Ada&email=ada%40example.com&fill_ms={form_value}"
    response = await client.post(
        ARTICLE, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status == 422
    assert (await response.json(content_type=None))["errors"] == [
        {"pointer": "/fill_ms", "message": message}
    ]
    assert dump(redis) == {}


async def test_a_json_fill_ms_of_5000_digits_is_422(client: Client, redis: Redis) -> None:
    body = '{"fill_ms": ' + "9" * 5000 + ', "author": {"name": "Ada", "email": "a@b.co"}, '
    body += '"content": "Hi"}'
    response = await client.post(ARTICLE, data=body, headers={"Content-Type": "application/json"})
    assert response.status == 422
    assert (await response.json(content_type=None))["errors"] == [
        {"pointer": "/fill_ms", "message": "is too large a number"}
    ]
    assert dump(redis) == {}


async def test_a_lone_surrogate_in_the_honeypot_is_400(client: Client, redis: Redis) -> None:
    body = '{"author": {"name": "Ada", "email": "a@b.co"}, "content": "Hi", "honeypot": "\\udc80"}'
    response = await client.post(ARTICLE, data=body, headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert "/honeypot" in (await response.json(content_type=None))["detail"]
    assert dump(redis) == {}


async def test_plus_tags_and_gmail_dots_count_as_one_author(
    aiohttp_client: Any, settings: Settings, redis: Redis
) -> None:
    app = create_app(replace(settings, flood_author=Limit(3, 60), flood_client=Limit(100, 60)))
    client = await aiohttp_client(ServiceTestServer(app))
    spellings = ["x+1@gmail.com", "X.+2@GoogleMail.com", "x+3@gmail.com", "x+4@gmail.com"]
    statuses = [(await client.post(ARTICLE, json=by("X", e))).status for e in spellings]
    assert statuses == [202, 202, 202, 429]
    # The masked address kept on the comment is the one given, not the folded one.
    masked = {redis.hget(k, "email_masked") for k in redis.scan_iter(keys.comment("*"))}
    assert masked == {mask_email(e) for e in spellings[:3]}
    # The same text under another tag is the same author's duplicate.
    same = "Exactly the same words, twice."
    assert (
        await client.post("/v1/articles/a2/comments", json=by("Y", "y+a@outlook.com", same))
    ).status == 202
    again = await client.post("/v1/articles/a2/comments", json=by("Y", "y+b@outlook.com", same))
    assert again.status == 409
    # Elsewhere `+` and dots may be other mailboxes: not folded.
    for email in ["sales+eu@example.com", "sales+us@example.com", "s.ales@example.com"]:
        response = await client.post("/v1/articles/a3/comments", json=by("Z", email, same))
        assert response.status == 202
