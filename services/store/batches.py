"""Reading a moderation job's comments: the batch's list (closing the batch if still open)
and every record, in one round trip."""

from __future__ import annotations

import json
from dataclasses import dataclass

from services.store import keys
from services.store.scripts import source

READ_BATCH = source("batch_read.lua")


@dataclass(frozen=True)
class Batch:
    ids: list[str]
    records: list[dict[str, str]]
    """Each comment's record, in the order of `ids` (empty when it is gone)."""


def read_batch_keys(listing: list[str]) -> list[str]:
    """The script's KEYS: the open batch, and the batch's list when the job has one."""
    return [keys.OPEN_BATCH, *listing]


def read_batch_args(ids: list[str]) -> list[str]:
    """The script's one argument: the comment ids (when the job has no list)."""
    return [json.dumps({"comment_prefix": keys.comment(""), "ids": ids})]


def batch(reply: str) -> Batch:
    data = json.loads(reply)
    # cjson writes an empty array as {}: no ids, no records.
    return Batch(list(data["ids"] or []), list(data["records"] or []))
