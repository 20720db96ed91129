"""Addresses written in disguise are published masked: through HTTP intake, a real worker,
the public views and the event stream."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from redis import Redis

from services.core.rules import Rules
from services.core.settings import Settings
from services.store import keys
from tests.helpers import Client, entries, moderate_all, valid_submission

DISGUISES = {
    "name\uff20example\uff0ecom": "n***@e***.com",  # full-width at sign and full stop
    "jane@ex\u0430mple.com": "j***@e***.com",  # a Cyrillic a in the domain
    '"john doe"@example.com': "j***@e***.com",  # a quoted local part
    "pa\u200bt@exa\u200bmple.org": "p***@e***.org",  # zero-width spaces
    "kim&#64;example.net": "k***@e***.net",  # an HTML entity
    "lee%40example.io": "l***@e***.io",  # percent-encoding
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Naming a web site is not enough to hold a comment: these must be published."""
    return replace(settings, rules=Rules(audit_rate=0.0, cold_hold_score=0.5))


async def test_disguised_addresses_are_published_masked(
    client: Client, redis: Redis, settings: Settings
) -> None:
    content = "Write to any of us: " + ", ".join(DISGUISES) + "."
    document = valid_submission(content=content)
    document["author"] = {"name": "Ann (ann\uff20example\uff0ecom)", "email": "ann@example.com"}
    response = await client.post("/v1/articles/a1/comments", json=document)
    assert response.status == 202
    comment_id = (await response.json())["id"]
    moderate_all(settings)
    status = await (await client.get(f"/v1/comments/{comment_id}")).json()
    assert status["status"] == "published", status
    published = status["comment"]
    assert published["content"] == "Write to any of us: " + ", ".join(DISGUISES.values()) + "."
    assert published["author"]["name"] == "Ann (a***@e***.com)"
    listed = await (await client.get("/v1/articles/a1/comments")).json()
    events = [json.loads(fields["data"]) for _id, fields in entries(redis, keys.EVENTS)]
    for shown in (json.dumps(listed), json.dumps(events), published["content_html"]):
        for disguise in DISGUISES:
            assert json.dumps(disguise)[1:-1] not in shown
            assert disguise.split("@")[0].split("%")[0].split("&")[0] not in shown
