"""Bans: an author (by the hash of their email) or a client address (by its hash), for a
time. A banned author's next comments are rejected by the workers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from services.api.auth import IDENTITY, Identity, requires
from services.api.bodies import json_body
from services.api.state import REDIS
from services.core.access import Role
from services.core.comment import now_iso
from services.core.errors import NotFound
from services.core.ids import is_comment_id
from services.store import keys
from services.store.transitions import AUDIT_MAXLEN

DEFAULT_DURATION_S = 30 * 24 * 3600
SCOPES = {"author": "email_hash", "client": "client_hash"}
MAX_LISTED = 1000


@requires(Role.MODERATOR)
async def create(request: web.Request) -> web.Response:
    body = await json_body(request, "moderation-ban.schema.json")
    scope = body["scope"]
    hashed = body.get("hash") or await _hash_from_comment(request, body["comment_id"], scope)
    duration = int(body.get("duration_s", DEFAULT_DURATION_S))  # JSON may say 3600.0
    identity: Identity = request[IDENTITY]
    now = datetime.now(UTC)
    ban = {
        "scope": scope,
        "hash": hashed,
        "reason": body.get("reason", ""),
        "by": identity.name,
        "at": now_iso(now),
        "expires_at": now_iso(now + timedelta(seconds=duration)),
    }
    async with request.app[REDIS].pipeline(transaction=True) as pipe:
        pipe.set(keys.ban(scope, hashed), json.dumps(ban), ex=duration)
        pipe.xadd(keys.AUDIT, {"data": json.dumps(_audit("ban", ban))}, maxlen=AUDIT_MAXLEN)
        await pipe.execute()
    return web.json_response(ban, status=201)


@requires(Role.MODERATOR)
async def list_all(request: web.Request) -> web.Response:
    redis = request.app[REDIS]
    found = []
    async for key in redis.scan_iter(match=keys.ban("*", "*"), count=1000):
        found.append(key)
        if len(found) >= MAX_LISTED:
            break
    async with redis.pipeline(transaction=False) as pipe:
        for key in found:
            pipe.get(key)
        values = await pipe.execute()
    bans = sorted((json.loads(v) for v in values if v), key=lambda b: b["at"], reverse=True)
    return web.json_response({"bans": bans})


@requires(Role.MODERATOR)
async def delete(request: web.Request) -> web.Response:
    scope, hashed = request.match_info["scope"], request.match_info["hash"]
    if scope not in SCOPES or not await request.app[REDIS].delete(keys.ban(scope, hashed)):
        raise NotFound(f"There is no {scope} ban on {hashed[:12]}...")
    entry = _audit("unban", {"scope": scope, "hash": hashed, "by": request[IDENTITY].name})
    await request.app[REDIS].xadd(keys.AUDIT, {"data": json.dumps(entry)}, maxlen=AUDIT_MAXLEN)
    return web.Response(status=204)


async def _hash_from_comment(request: web.Request, comment_id: str, scope: str) -> str:
    field = SCOPES[scope]
    hashed = (
        await request.app[REDIS].hget(keys.comment(comment_id), field)
        if is_comment_id(comment_id)
        else None
    )
    if not hashed:
        raise NotFound(f"There is no comment {comment_id} with a {field} to ban.")
    return str(hashed)


def _audit(action: str, ban: dict[str, Any]) -> dict[str, Any]:
    return {
        "at": now_iso(),
        "actor": ban["by"],
        "action": action,
        "scope": ban["scope"],
        "hash": ban["hash"],
        "reason": ban.get("reason", ""),
        "expires_at": ban.get("expires_at"),
    }
