"""`comments token create|list|revoke`: the API tokens, managed from the command line."""

from __future__ import annotations

import json

from redis import Redis
from redis.exceptions import WatchError

from services.core.access import Role, new_token, token_hash
from services.core.comment import now_iso
from services.store import keys
from services.store.scripts import source

CREATE = source("tokens_create.lua")
"""Store a token under a name not taken: 1, or 0 when the name is taken."""


class TokenError(ValueError):
    """A token command cannot be carried out (a name taken, a name unknown)."""


def create(redis: Redis, role: Role, name: str) -> str:
    """Store a new token's hash under `name`; return the token, which is never shown again."""
    token = new_token()
    hashed = token_hash(token)
    made = redis.register_script(CREATE)(
        keys=[keys.TOKEN_NAMES, keys.access_token(hashed)],
        args=[
            json.dumps({"name": name, "hash": hashed, "role": role.value, "created_at": now_iso()})
        ],
    )
    if not made:
        raise TokenError(f"a token named {name!r} exists; revoke it first or pick another name")
    return token


def list_tokens(redis: Redis) -> list[dict[str, str]]:
    names: dict[str, str] = redis.hgetall(keys.TOKEN_NAMES)  # type: ignore[assignment]
    pipe = redis.pipeline(transaction=False)
    for hashed in names.values():
        pipe.hgetall(keys.access_token(hashed))
    return sorted((r for r in pipe.execute() if r), key=lambda r: r["name"])


def revoke(redis: Redis, name: str) -> None:
    """Revoke at once: the next request with the token gets 401. The name is watched, so a
    token made under it meanwhile is not left behind, valid and nameless."""
    with redis.pipeline(transaction=True) as pipe:
        while True:
            try:
                pipe.watch(keys.TOKEN_NAMES)  # type: ignore[no-untyped-call]
                hashed = pipe.hget(keys.TOKEN_NAMES, name)
                if not hashed:
                    raise TokenError(f"there is no token named {name!r}")
                pipe.multi()
                pipe.delete(keys.access_token(str(hashed)))
                pipe.hdel(keys.TOKEN_NAMES, name)
                pipe.execute()
                return
            except WatchError:
                continue
