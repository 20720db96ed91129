"""`comments token create|list|revoke`: the API tokens, managed from the command line."""

from __future__ import annotations

from redis import Redis

from services.core import keys
from services.core.access import Role, new_token, token_hash
from services.core.comment import now_iso


class TokenError(ValueError):
    """A token command cannot be carried out (a name taken, a name unknown)."""


def create(redis: Redis, role: Role, name: str) -> str:
    """Store a new token's hash under `name`; return the token, which is never shown again."""
    token = new_token()
    hashed = token_hash(token)
    if not redis.hsetnx(keys.TOKEN_NAMES, name, hashed):
        raise TokenError(f"a token named {name!r} exists; revoke it first or pick another name")
    redis.hset(
        keys.access_token(hashed),
        mapping={"name": name, "role": role.value, "created_at": now_iso()},
    )
    return token


def list_tokens(redis: Redis) -> list[dict[str, str]]:
    names: dict[str, str] = redis.hgetall(keys.TOKEN_NAMES)  # type: ignore[assignment]
    pipe = redis.pipeline(transaction=False)
    for hashed in names.values():
        pipe.hgetall(keys.access_token(hashed))
    return sorted((r for r in pipe.execute() if r), key=lambda r: r["name"])


def revoke(redis: Redis, name: str) -> None:
    """Revoke at once: the next request with the token gets 401."""
    hashed = redis.hget(keys.TOKEN_NAMES, name)
    if not hashed:
        raise TokenError(f"there is no token named {name!r}")
    pipe = redis.pipeline(transaction=True)
    pipe.delete(keys.access_token(str(hashed)))
    pipe.hdel(keys.TOKEN_NAMES, name)
    pipe.execute()
