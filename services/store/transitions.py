"""State transitions of a comment, each one compare-and-set in Redis, with everything that
goes with it applied in the same script: the state's sets, publication, the author's counts,
what the filter learns, the event and the audit entry.

A transition applies only when the comment is in the state it expects; otherwise it changes
nothing and reports the state it found. So a job that runs twice decides once, and two
moderators deciding one comment at once leave one winner.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from services.core.comment import State, public_view
from services.store import keys

EVENTS_MAXLEN = 100_000
"""Approximate length the event stream is trimmed to."""
AUDIT_MAXLEN = 1_000_000
"""Approximate length the audit stream is trimmed to."""
ARTICLE_EVENTS_MAXLEN = 1_000
"""Approximate length of each article's public event stream: how far back a reader who
lost its connection can resume."""
ARTICLE_EVENTS_TTL_S = 24 * 3600
"""Default of the `article_events_ttl_s` setting: an article's public event stream goes after
this long without an event. A reader resuming later loses nothing: the stream it finds
again holds only events newer than any it was sent."""
KNOWN_SPAM_TTL = 30 * 24 * 3600
"""How long text a moderator marked spam stays known as spam, in seconds."""

# KEYS: comment, set left, set entered, publication counter, events, author counts,
#       learned spam, learned ham, learned totals, audit, known-spam mark, the article's
#       public event stream, the article's version (changes with its published set)
# ARGV: id, expected state, new state, verdict JSON, now (RFC 3339), now (ms),
#       published fields JSON, event type, event JSON, events max length, learn as
#       ('', spam, ham), tokens JSON, audit JSON, known-spam TTL (0: none), fields JSON,
#       audit max length, '1' to apply only if no moderator decided the comment yet,
#       the article's public event JSON ('' for none), its max length, the seconds that
#       stream lives after its last event (0: for ever)
# Returns {1, previous state, ''} when applied, {0, current state or '', who decided} when not.
TRANSITION = """
local state, decided_by = unpack(redis.call('HMGET', KEYS[1], 'state', 'decided_by'))
if state ~= ARGV[2] or (ARGV[17] == '1' and decided_by) then
  return {0, state or '', decided_by or ''}
end
local id, new = ARGV[1], ARGV[3]
redis.call('ZREM', KEYS[2], id)
redis.call('HSET', KEYS[1], 'state', new, 'decided_at', ARGV[5])
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[1], 'verdict', ARGV[4])
end
for name, value in pairs(cjson.decode(ARGV[15])) do
  redis.call('HSET', KEYS[1], name, value)
end
if new == 'published' then
  local seq = redis.call('INCR', KEYS[4])
  for name, value in pairs(cjson.decode(ARGV[7])) do
    redis.call('HSET', KEYS[1], name, value)
  end
  redis.call('HSET', KEYS[1], 'published_at', ARGV[5], 'published_seq', seq)
  redis.call('ZADD', KEYS[3], seq, id)
else
  redis.call('ZADD', KEYS[3], ARGV[6], id)
end
if state ~= 'pending' then
  redis.call('HINCRBY', KEYS[6], state, -1)
end
redis.call('HINCRBY', KEYS[6], new, 1)
local label, trained = ARGV[11], redis.call('HGET', KEYS[1], 'trained_as') or ''
if label ~= '' and label ~= trained then
  local tokens, learned = cjson.decode(ARGV[12]), {spam = KEYS[7], ham = KEYS[8]}
  if trained ~= '' then
    for _, token in ipairs(tokens) do
      redis.call('HINCRBY', learned[trained], token, -1)
    end
    redis.call('HINCRBY', KEYS[9], trained, -1)
  end
  for _, token in ipairs(tokens) do
    redis.call('HINCRBY', learned[label], token, 1)
  end
  redis.call('HINCRBY', KEYS[9], label, 1)
  redis.call('HSET', KEYS[1], 'trained_as', label)
end
if tonumber(ARGV[14]) > 0 then
  redis.call('SET', KEYS[11], id, 'EX', ARGV[14])
end
if ARGV[8] ~= '' then
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[10], '*', 'type', ARGV[8],
    'article_id', redis.call('HGET', KEYS[1], 'article_id'), 'comment_id', id, 'data', ARGV[9])
end
if ARGV[13] ~= '' then
  redis.call('XADD', KEYS[10], 'MAXLEN', '~', ARGV[16], '*', 'data', ARGV[13])
end
if new == 'published' or state == 'published' then
  redis.call('INCR', KEYS[13])
end
if ARGV[18] ~= '' then
  redis.call('XADD', KEYS[12], 'MAXLEN', '~', ARGV[19], '*', 'type', ARGV[8], 'data', ARGV[18])
  if tonumber(ARGV[20]) > 0 then
    redis.call('EXPIRE', KEYS[12], ARGV[20])
  end
end
return {1, state, ''}
"""


def _set_of(state: State, article_id: str) -> str:
    return keys.published(article_id) if state == State.PUBLISHED else keys.state_set(state)


@dataclass(frozen=True)
class Transition:
    record: Mapping[str, str]
    """The comment as read before the transition: id, article, author and text."""
    expected: State
    new_state: State
    now_iso: str
    now_ms: int
    verdict: dict[str, Any] | None = None
    published: dict[str, str] = field(default_factory=dict)
    """`published_content`, `published_name`, `published_url`: what readers see."""
    learn_as: str = ""
    """`spam` or `ham` to (re)train the filter with this comment's `tokens`."""
    tokens: tuple[str, ...] = ()
    audit: dict[str, Any] | None = None
    mark_known_spam: bool = False
    fields: dict[str, str] = field(default_factory=dict)
    """Other fields to set on the record (who decided, why)."""
    first_decision: bool = False
    """Apply only if no moderator has decided the comment yet: of two moderators deciding
    at once, the second is refused instead of overriding the first."""
    article_events_ttl_s: int = ARTICLE_EVENTS_TTL_S
    """The article's public event stream lives this long after the event this transition
    adds to it (the `article_events_ttl_s` setting; 0: for ever)."""

    @property
    def comment_id(self) -> str:
        return self.record["id"]

    def event(self) -> dict[str, Any] | None:
        """The event this transition emits: published, removed (published no longer), held."""
        base = {
            "occurred_at": self.now_iso,
            "article_id": self.record["article_id"],
            "comment_id": self.comment_id,
        }
        if self.new_state == State.PUBLISHED:
            published = {
                **self.record,
                **self.published,
                "state": State.PUBLISHED,
                "published_at": self.now_iso,
            }
            return {"type": "comment.published", **base, "comment": public_view(published)}
        if self.expected == State.PUBLISHED:
            return {"type": "comment.removed", **base, "state": self.new_state.value}
        if self.new_state == State.HELD:
            return {"type": "comment.held", **base}
        return None

    def keys(self) -> list[str]:
        article_id = self.record["article_id"]
        return [
            keys.comment(self.comment_id),
            _set_of(self.expected, article_id),
            _set_of(self.new_state, article_id),
            keys.publication_counter(article_id),
            keys.EVENTS,
            keys.author(self.record.get("email_hash", "")),
            keys.LEARNED_SPAM,
            keys.LEARNED_HAM,
            keys.LEARNED_TOTALS,
            keys.AUDIT,
            keys.known_spam(self.record.get("fingerprint", "")),
            keys.article_events(article_id),
            keys.article_version(article_id),
        ]

    def public_event(self) -> dict[str, Any] | None:
        """What readers of the article may see: a comment published, or no longer."""
        event = self.event()
        if event is None or event["type"] == "comment.held":
            return None
        if event["type"] == "comment.removed":
            return {k: v for k, v in event.items() if k != "state"}
        return event

    def args(self) -> list[str | int]:
        event, public = self.event(), self.public_event()
        return [
            self.comment_id,
            self.expected.value,
            self.new_state.value,
            json.dumps(self.verdict) if self.verdict is not None else "",
            self.now_iso,
            self.now_ms,
            json.dumps(self.published),
            event["type"] if event else "",
            json.dumps(event) if event else "",
            EVENTS_MAXLEN,
            self.learn_as,
            json.dumps(list(self.tokens)),
            json.dumps(self.audit) if self.audit else "",
            KNOWN_SPAM_TTL if self.mark_known_spam else 0,
            json.dumps(self.fields),
            AUDIT_MAXLEN,
            "1" if self.first_decision else "",
            json.dumps(public) if public else "",
            ARTICLE_EVENTS_MAXLEN,
            self.article_events_ttl_s,
        ]
