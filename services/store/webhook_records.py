"""What a delivery writes on its subscription: the attempt, the run of failures, and the
switch to disabled. Each is one script that first checks the subscription still exists, so
a delivery that finishes after its webhook was deleted leaves nothing behind."""

from __future__ import annotations

import json
from typing import Any

from redis import Redis

from services.core.comment import now_iso
from services.store import keys
from services.store.transitions import EVENTS_MAXLEN

DELIVERY_LOG = 100
"""Attempts kept per subscription."""

# KEYS: the subscription, its delivery log. ARGV: the attempt JSON, how many attempts to
# keep, '1' if it succeeded. Returns the failures in a row now, or -1 when it is gone.
RECORD_ATTEMPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
redis.call('LPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[1], 'failures', 0)
  return 0
end
return redis.call('HINCRBY', KEYS[1], 'failures', 1)
"""

# KEYS: the subscription, the event stream. ARGV: now, reason, the event JSON, the stream's
# max length, the subscription's id. Disables an enabled subscription and announces it;
# returns 1, or 0 when it is gone or already disabled (so a run of failures is announced once).
DISABLE = """
if redis.call('HGET', KEYS[1], 'enabled') ~= '1' then
  return 0
end
redis.call('HSET', KEYS[1], 'enabled', '0', 'disabled_at', ARGV[1], 'disabled_reason', ARGV[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*',
           'type', 'webhook.disabled', 'webhook_id', ARGV[5], 'data', ARGV[3])
return 1
"""


def record_attempt(redis: Redis, webhook_id: str, attempt: dict[str, Any]) -> int | None:
    """Log the attempt; the failures in a row it makes, or None if the subscription is gone."""
    failures = int(
        redis.register_script(RECORD_ATTEMPT)(
            keys=[keys.webhook(webhook_id), keys.webhook_deliveries(webhook_id)],
            args=[json.dumps(attempt), DELIVERY_LOG, "1" if attempt["ok"] else "0"],
        )
    )
    return None if failures < 0 else failures


def disable(redis: Redis, webhook_id: str, url: str, reason: str) -> bool:
    """Stop delivering to the subscription and tell the admins with a `webhook.disabled`
    event (which other subscriptions may receive); False if it was gone or disabled already."""
    when = now_iso()
    event = {"type": "webhook.disabled", "occurred_at": when, "webhook_id": webhook_id,
             "url": url, "reason": reason}  # fmt: skip
    done = redis.register_script(DISABLE)(
        keys=[keys.webhook(webhook_id), keys.EVENTS],
        args=[when, reason, json.dumps(event), EVENTS_MAXLEN, webhook_id],
    )
    return bool(done)
