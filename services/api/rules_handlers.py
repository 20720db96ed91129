"""`GET/PUT /v1/moderation/rules`: the moderation rules in force, versioned and audited."""

from __future__ import annotations

from aiohttp import web

from services.api.auth import IDENTITY, Identity, requires
from services.api.bodies import json_body
from services.api.site_rules import SITE_RULES
from services.api.state import REDIS, SETTINGS
from services.core.access import Role
from services.core.comment import now_iso
from services.core.errors import StateConflict
from services.core.rules import Rules
from services.store import keys
from services.store.stored_rules import StoredRules, parse_stored, replace_rules


@requires(Role.MODERATOR)
async def read(request: web.Request) -> web.Response:
    raw = await request.app[REDIS].get(keys.RULES)
    stored = parse_stored(str(raw) if raw else None, request.app[SETTINGS].rules)
    return web.json_response(stored.as_dict())


@requires(Role.ADMIN)
async def replace(request: web.Request) -> web.Response:
    body = await json_body(request, "moderation-rules-update.schema.json")
    identity: Identity = request[IDENTITY]
    stored = StoredRules(
        Rules.from_dict(body["rules"]), body["version"] + 1, now_iso(), identity.name
    )
    audit = {
        "at": stored.updated_at,
        "actor": identity.name,
        "role": identity.role.value,
        "action": "rules",
        "version": stored.version,
        "rules": body["rules"],
    }
    result = await replace_rules(request.app[REDIS], body["version"], stored, audit)
    request.app[SITE_RULES].forget()  # this process's intake sees the change at once
    if result is not None:
        raise StateConflict(
            f"The rules changed meanwhile: version {result} is in force, not {body['version']}."
        )
    return web.json_response(stored.as_dict())
