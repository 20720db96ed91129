"""Tokens made and revoked against the real Valkey: a name and its record go together."""

from __future__ import annotations

import json

import pytest
from redis import Redis

from services.core.access import Role, token_hash
from services.store import keys
from services.store.tokens import CREATE, TokenError, create, list_tokens, revoke


def test_a_token_is_made_with_its_name_and_revoked_with_it(redis: Redis) -> None:
    token = create(redis, Role.MODERATOR, "alice")
    hashed = token_hash(token)
    assert redis.hget(keys.TOKEN_NAMES, "alice") == hashed
    assert redis.hgetall(keys.access_token(hashed))["role"] == "moderator"
    assert [t["name"] for t in list_tokens(redis)] == ["alice"]

    revoke(redis, "alice")
    assert redis.keys("*") == []
    with pytest.raises(TokenError, match="no token named"):
        revoke(redis, "alice")


def test_the_create_script_writes_nothing_when_the_name_is_taken(redis: Redis) -> None:
    create(redis, Role.ADMIN, "ops")
    before = sorted(redis.keys("*"))
    named = {"name": "ops", "hash": "h2", "role": "admin", "created_at": "2026-01-01T00:00:00Z"}
    made = redis.eval(CREATE, 2, keys.TOKEN_NAMES, keys.access_token("h2"), json.dumps(named))
    assert made == 0
    assert sorted(redis.keys("*")) == before
    with pytest.raises(TokenError, match="exists"):
        create(redis, Role.ADMIN, "ops")
    assert sorted(redis.keys("*")) == before
