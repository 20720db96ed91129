"""The rules in force: stored in Redis as JSON with a version, edited through the moderation
API, read by workers (which look again every few seconds, so a change needs no restart)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from services.core.rules import Rules
from services.core.schemas import field_errors, validator

SCHEMA = "moderation-rules.schema.json"


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
    return field_errors(validator(SCHEMA).iter_errors(document))
