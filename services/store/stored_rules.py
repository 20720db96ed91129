"""The rules in force: stored in Redis as JSON with a version, edited through the moderation
API, read by workers (which look again every few seconds, so a change needs no restart)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from services.core.rules import Rules
from services.core.schemas import errors_in
from services.store import keys
from services.store.scripts import source
from services.store.transitions import AUDIT_MAXLEN

SCHEMA = "moderation-rules.schema.json"

REPLACE = source("stored_rules_replace.lua")


@dataclass(frozen=True)
class StoredRules:
    rules: Rules
    version: int
    """0 for the starting rules from the settings, never stored; 1 and up once edited."""
    updated_at: str = ""
    updated_by: str = ""

    def as_json(self) -> str:
        return json.dumps(
            {
                "version": self.version,
                "rules": self.rules.as_dict(),
                "updated_at": self.updated_at,
                "updated_by": self.updated_by,
            }
        )

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.as_json())
        return data


def parse_stored(raw: str | None, defaults: Rules) -> StoredRules:
    """The rules in Redis, or the settings' rules (version 0) when none were stored."""
    if not raw:
        return StoredRules(defaults, 0)
    data = json.loads(raw)
    return StoredRules(
        Rules.from_dict(data["rules"]), int(data["version"]), data["updated_at"], data["updated_by"]
    )


def rule_errors(document: Any) -> list[Any]:
    return errors_in(SCHEMA, document)


async def replace_rules(
    redis: Redis, replaced_version: int, stored: StoredRules, audit: dict[str, Any]
) -> int | None:
    """Store `stored`, with its audit entry, if the rules in force are still at
    `replaced_version`; otherwise change nothing and return the version in force."""
    named = {
        "version": replaced_version,
        "rules": stored.as_json(),
        "audit": json.dumps(audit),
        "audit_maxlen": AUDIT_MAXLEN,
    }
    result = await redis.eval(REPLACE, 2, keys.RULES, keys.AUDIT, json.dumps(named))
    return None if result == -1 else int(result)
