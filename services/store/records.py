"""Writes to a record that must exist, each a Lua script that checks the key first.

A write that comes after its record was deleted (a delivery finishing after its webhook was
deleted, a reconciler racing an erasure) must change nothing: a plain HSET or HINCRBY would
re-create the hash with that one field, a half-alive record every reader trips over.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from services.store.scripts import source

UPDATE = source("records_update.lua")
"""KEYS[1]: the record; ARGV: `update_args`. Returns 1 when written, 0 when there is none."""

INCREMENT = source("records_increment.lua")
"""KEYS[1]: the record; ARGV: `increment_args`. Returns the new value, or None."""


def update_args(fields: Mapping[str, str | int]) -> list[str]:
    """UPDATE's argument: the fields to set."""
    return [json.dumps({name: str(value) for name, value in fields.items()})]


def increment_args(name: str, by: int) -> list[str]:
    """INCREMENT's argument: the field and how much to add."""
    return [json.dumps({"field": name, "by": by})]
