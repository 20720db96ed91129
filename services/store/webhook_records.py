"""What a delivery writes on its subscription: the attempt, the run of failures, and the
switch to disabled. Each is one script that first checks the subscription still exists, so
a delivery that finishes after its webhook was deleted leaves nothing behind."""

from __future__ import annotations

import json
from typing import Any

from redis import Redis

from services.core.comment import now_iso
from services.store import keys
from services.store.scripts import source
from services.store.transitions import EVENTS_MAXLEN

DELIVERY_LOG = 100
"""Attempts kept per subscription."""

RECORD_ATTEMPT = source("webhook_records_attempt.lua")
"""Log a delivery attempt: the failures in a row it makes, -1 when the subscription is gone."""

DISABLE = source("webhook_records_disable.lua")
"""Disable an enabled subscription and announce it: 1, or 0 when gone or disabled already."""


def record_attempt(redis: Redis, webhook_id: str, attempt: dict[str, Any]) -> int | None:
    """Log the attempt; the failures in a row it makes, or None if the subscription is gone."""
    named = {"attempt": json.dumps(attempt), "keep": DELIVERY_LOG, "ok": bool(attempt["ok"])}
    failures = int(
        redis.register_script(RECORD_ATTEMPT)(
            keys=[keys.webhook(webhook_id), keys.webhook_deliveries(webhook_id)],
            args=[json.dumps(named)],
        )
    )
    return None if failures < 0 else failures


def disable(redis: Redis, webhook_id: str, url: str, reason: str) -> bool:
    """Stop delivering to the subscription and tell the admins with a `webhook.disabled`
    event (which other subscriptions may receive); False if it was gone or disabled already."""
    when = now_iso()
    event = {"type": "webhook.disabled", "occurred_at": when, "webhook_id": webhook_id,
             "url": url, "reason": reason}  # fmt: skip
    named = {"now": when, "reason": reason, "event": json.dumps(event),
             "events_maxlen": EVENTS_MAXLEN, "webhook_id": webhook_id}  # fmt: skip
    done = redis.register_script(DISABLE)(
        keys=[keys.webhook(webhook_id), keys.EVENTS], args=[json.dumps(named)]
    )
    return bool(done)
