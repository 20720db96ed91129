"""Writes to a record that must exist, each a Lua script that checks the key first.

A write that comes after its record was deleted (a delivery finishing after its webhook was
deleted, a reconciler racing an erasure) must change nothing: a plain HSET or HINCRBY would
re-create the hash with that one field, a half-alive record every reader trips over.
"""

from __future__ import annotations

from collections.abc import Mapping

# KEYS[1]: the record (a hash). ARGV: field, value, field, value, ...
# Returns 1 when written, 0 when there is no such record.
UPDATE = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
"""

# KEYS[1]: the record (a hash). ARGV: field, increment.
# Returns the field's new value, or nil when there is no such record.
INCREMENT = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
return redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
"""


def pairs(fields: Mapping[str, str | int]) -> list[str]:
    """UPDATE's ARGV for `fields`."""
    return [str(part) for item in fields.items() for part in item]
