"""Reader reports in Redis: one script records a report (`reports_add.lua`), one closes a
comment's reports after a moderator's decision (`reports_close.lua`); the reported index is
read for the moderators' queue. Key names are in services/store/keys.py; the policy (weights,
how long things are kept) in services/core/report_policy.py."""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass
from typing import Any

from redis.asyncio import Redis

from services.core import report_policy as policy
from services.store import keys
from services.store.scripts import source
from services.store.transitions import AUDIT_MAXLEN, EVENTS_MAXLEN

ADD = source("reports_add.lua")
CLOSE = source("reports_close.lua")


@dataclass(frozen=True)
class AddKeys:
    """reports_add.lua's KEYS, in the order it names them."""

    comment: str
    open: str
    reporters: str
    closed: str
    notes: str
    reported: str
    weight: str
    events: str


@dataclass(frozen=True)
class Added:
    """reports_add.lua's reply."""

    status: str
    """`reported`, `missing` (no such comment), `not-published` or `repeat`."""
    state: str = ""
    count: int = 0
    """Distinct clients with an open report on the comment, this one included."""
    weight: float = 0.0
    """Their reports' weights summed."""
    withdrawable: bool = False
    """Neither decided by a moderator nor with reports dismissed before."""


def add_keys(comment_id: str, client_hash: str) -> list[str]:
    named = AddKeys(
        comment=keys.comment(comment_id),
        open=keys.reports(comment_id),
        reporters=keys.reporters(comment_id),
        closed=keys.closed_reporters(comment_id),
        notes=keys.report_notes(comment_id),
        reported=keys.REPORTED,
        weight=keys.reporter_weight(client_hash),
        events=keys.EVENTS,
    )
    return list(astuple(named))


def add_args(comment_id: str, client_hash: str, reason: str, note: str, now_iso: str) -> list[str]:
    named = {
        "id": comment_id,
        "client": client_hash,
        "reason": reason,
        "note": note,
        "now_iso": now_iso,
        "notes_max": policy.NOTES_KEPT,
        "events_maxlen": EVENTS_MAXLEN,
    }
    return [json.dumps(named)]


async def add_report(
    redis: Redis, comment_id: str, client_hash: str, reason: str, note: str, now_iso: str
) -> Added:
    """Record the client's report on a published comment, with its `comment.reported` event,
    unless the client reported it before."""
    reply = await redis.eval(
        ADD, 8, *add_keys(comment_id, client_hash),
        *add_args(comment_id, client_hash, reason, note, now_iso),
    )  # fmt: skip
    data = json.loads(reply)
    return Added(
        data["status"],
        data.get("state", ""),
        int(data.get("count", 0)),
        float(data.get("weight", 0)),
        bool(data.get("withdrawable", False)),
    )


@dataclass(frozen=True)
class CloseKeys:
    """reports_close.lua's KEYS, in the order it names them."""

    comment: str
    open: str
    reporters: str
    closed: str
    notes: str
    reported: str
    audit: str


def close_keys(comment_id: str) -> list[str]:
    named = CloseKeys(
        comment=keys.comment(comment_id),
        open=keys.reports(comment_id),
        reporters=keys.reporters(comment_id),
        closed=keys.closed_reporters(comment_id),
        notes=keys.report_notes(comment_id),
        reported=keys.REPORTED,
        audit=keys.AUDIT,
    )
    return list(astuple(named))


def close_args(
    comment_id: str, dismissed: bool, now_iso: str, audit: dict[str, Any] | None = None
) -> list[str]:
    named = {
        "id": comment_id,
        "dismissed": dismissed,
        "now_iso": now_iso,
        "weight_prefix": keys.reporter_weight(""),
        "weight_factor": policy.DISMISSED_WEIGHT_FACTOR,
        "min_weight": policy.MIN_WEIGHT,
        "weight_ttl_s": policy.WEIGHT_TTL_S,
        "closed_ttl_s": policy.CLOSED_TTL_S,
        "audit": json.dumps(audit) if audit else "",
        "audit_maxlen": AUDIT_MAXLEN,
    }
    return [json.dumps(named)]


async def close_reports(
    redis: Redis,
    comment_id: str,
    dismissed: bool,
    now_iso: str,
    audit: dict[str, Any] | None = None,
) -> int:
    """Close the comment's open reports (how many there were); with `audit`, log it with
    their counts."""
    reply = await redis.eval(
        CLOSE, 7, *close_keys(comment_id), *close_args(comment_id, dismissed, now_iso, audit)
    )
    return int(json.loads(reply)["count"])


async def reported_page(
    redis: Redis, limit: int, after: tuple[int, str] | None
) -> list[tuple[int, str]]:
    """Up to `limit` (count, id) of the reported index, most reported first (then the
    newest id), after the cursor position `after`."""
    top = f"{after[0]}" if after else "+inf"
    found: list[tuple[int, str]] = []
    offset = 0
    while len(found) < limit:
        batch: list[tuple[str, float]] = await redis.zrevrangebyscore(  # type: ignore[assignment]
            keys.REPORTED, top, 1, start=offset, num=200, withscores=True
        )
        for comment_id, score in batch:
            position = (int(score), comment_id)
            if after is None or position < after:
                found.append(position)
        if len(batch) < 200:
            break
        offset += len(batch)
    return found[:limit]


async def open_reports(redis: Redis, comment_ids: list[str]) -> list[dict[str, Any]]:
    """Each comment's open reports, as moderators see them (in the order of `comment_ids`)."""
    async with redis.pipeline(transaction=False) as pipe:
        for comment_id in comment_ids:
            pipe.hgetall(keys.reports(comment_id))
            pipe.lrange(keys.report_notes(comment_id), 0, policy.NOTES_KEPT - 1)
        replies = await pipe.execute()
    views = []
    for summary, notes in zip(replies[::2], replies[1::2], strict=True):
        views.append(policy.reports_view(summary, [json.loads(n) for n in notes]))
    return views
