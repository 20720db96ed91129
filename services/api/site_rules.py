"""The rules in force, as the API's intake needs them on every submission."""

from __future__ import annotations

import time

from aiohttp import web
from redis.asyncio import Redis

from services.core.rules import Rules
from services.store import keys
from services.store.stored_rules import parse_stored

RULES_TTL_S = 2.0
"""Seconds the intake keeps the rules' defaults before looking again (as workers do)."""


class SiteRules:
    """The rules in force as this process last read them: the intake asks on every
    submission, and a Redis read of the whole rules for one number would cost more than the
    rest of the check."""

    def __init__(self) -> None:
        self._rules: Rules | None = None
        self._read_at = 0.0

    async def get(self, redis: Redis, defaults: Rules) -> Rules:
        now = time.monotonic()
        if self._rules is None or now - self._read_at > RULES_TTL_S:
            raw = await redis.get(keys.RULES)
            self._rules = parse_stored(str(raw) if raw else None, defaults).rules
            self._read_at = now
        return self._rules

    def forget(self) -> None:
        """Read again next time: this process changed the rules."""
        self._rules = None


SITE_RULES = web.AppKey("site_rules", SiteRules)
