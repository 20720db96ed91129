"""State transitions of a comment, each one compare-and-set in Redis.

A transition applies only when the comment is in the state it expects; otherwise it changes
nothing and reports the state it found. So a job that runs twice decides once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from services.core import keys
from services.core.comment import State

# KEYS: comment hash, pending set, held set
# ARGV: comment id, new state, verdict JSON, decided_at (RFC 3339), decided_at (ms)
DECIDE = """
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'pending' then
  return state or ''
end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'verdict', ARGV[3], 'decided_at', ARGV[4])
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[2] == 'held' then
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
end
return 'pending'
"""


@dataclass(frozen=True)
class Decision:
    state: State
    reasons: list[dict[str, Any]]
    decided_at: str
    decided_ms: int

    def keys(self, comment_id: str) -> list[str]:
        return [keys.comment(comment_id), keys.PENDING, keys.HELD]

    def args(self, comment_id: str) -> list[str | int]:
        verdict = json.dumps({"state": self.state.value, "reasons": self.reasons})
        return [comment_id, self.state.value, verdict, self.decided_at, self.decided_ms]
