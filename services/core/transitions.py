"""State transitions of a comment, each one compare-and-set in Redis.

A transition applies only when the comment is in a state it expects; otherwise it changes
nothing and reports the state it found. So a job that runs twice decides once, and two
moderators deciding one comment at once leave one winner.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from services.core import keys
from services.core.comment import State, public_view

EVENTS_MAXLEN = 100_000
"""Approximate length the event stream is trimmed to."""

# KEYS: comment, pending set, held set, article's published set, article's publication
#       counter, event stream
# ARGV: id, expected states (comma-separated), new state, verdict JSON ('' keeps it),
#       now (RFC 3339), now (ms), published fields JSON, event type ('' for none),
#       event JSON, stream max length
# Returns {1, previous state} when applied, {0, current state or ''} when not.
TRANSITION = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return {0, ''}
end
if not string.find(',' .. ARGV[2] .. ',', ',' .. state .. ',', 1, true) then
  return {0, state}
end
local id, new = ARGV[1], ARGV[3]
if state == 'pending' then
  redis.call('ZREM', KEYS[2], id)
elseif state == 'held' then
  redis.call('ZREM', KEYS[3], id)
elseif state == 'published' then
  redis.call('ZREM', KEYS[4], id)
end
redis.call('HSET', KEYS[1], 'state', new, 'decided_at', ARGV[5])
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[1], 'verdict', ARGV[4])
end
if new == 'published' then
  local seq = redis.call('INCR', KEYS[5])
  for name, value in pairs(cjson.decode(ARGV[7])) do
    redis.call('HSET', KEYS[1], name, value)
  end
  redis.call('HSET', KEYS[1], 'published_at', ARGV[5], 'published_seq', seq)
  redis.call('ZADD', KEYS[4], seq, id)
elseif new == 'held' then
  redis.call('ZADD', KEYS[3], ARGV[6], id)
end
if ARGV[8] ~= '' then
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[10], '*', 'type', ARGV[8],
    'article_id', redis.call('HGET', KEYS[1], 'article_id'), 'comment_id', id, 'data', ARGV[9])
end
return {1, state}
"""


@dataclass(frozen=True)
class Transition:
    comment_id: str
    article_id: str
    expected: tuple[State, ...]
    new_state: State
    now_iso: str
    now_ms: int
    verdict: dict[str, Any] | None = None
    published: dict[str, str] = field(default_factory=dict)
    """`published_content`, `published_name`, `published_url`: what readers see."""
    event: dict[str, Any] | None = None

    def keys(self) -> list[str]:
        return [
            keys.comment(self.comment_id),
            keys.PENDING,
            keys.HELD,
            keys.published(self.article_id),
            keys.publication_counter(self.article_id),
            keys.EVENTS,
        ]

    def args(self) -> list[str | int]:
        return [
            self.comment_id,
            ",".join(self.expected),
            self.new_state.value,
            json.dumps(self.verdict) if self.verdict is not None else "",
            self.now_iso,
            self.now_ms,
            json.dumps(self.published),
            self.event["type"] if self.event else "",
            json.dumps(self.event) if self.event else "",
            EVENTS_MAXLEN,
        ]


def published_event(
    record: Mapping[str, str], published: Mapping[str, str], now_iso: str
) -> dict[str, Any]:
    """The `comment.published` event (schemas/comment-event.schema.json) for a record about to
    be published with these public fields."""
    published = {**record, **published, "state": State.PUBLISHED, "published_at": now_iso}
    return {
        "type": "comment.published",
        "occurred_at": now_iso,
        "article_id": record["article_id"],
        "comment": public_view(published),
    }
