"""Reader reports: `POST /v1/comments/{id}/reports` (open to readers, one per client per
comment, limited per client), the moderators' `reported` queue, and what a moderator's
decision does to a reported comment's reports."""

from __future__ import annotations

import math
import re
import time
import uuid
from typing import Any

from aiohttp import web

from services.api.auth import IDENTITY, Identity
from services.api.bodies import json_body
from services.api.clients import client_address
from services.api.http_metrics import RATE_LIMITED
from services.api.state import REDIS, SETTINGS, TRANSITION, WRITER
from services.api.stored import stored
from services.core.comment import State, moderator_view, now_iso
from services.core.decisions import Decision
from services.core.emails import keyed_hash
from services.core.errors import FieldError, InvalidQuery, NotFound, TooManyRequests
from services.core.masking import mask_emails
from services.core.report_policy import AlreadyReported, NotReportable, withdrawal, withdraws
from services.store import keys
from services.store.reports import add_report, close_reports, open_reports, reported_page
from services.store.stored_rules import parse_stored
from services.store.transitions import outcome, transition_args, transition_keys
from services.store.writer import Limit

CURSOR = re.compile(r"^(\d{1,15})-([0-9A-HJKMNP-TV-Z]{26})$")


async def report(request: web.Request) -> web.Response:
    """`POST /v1/comments/{id}/reports` `{"reason", "note"?}`: 202 once recorded."""
    app = request.app
    settings, redis = app[SETTINGS], app[REDIS]
    body = await json_body(request, "report-submission.schema.json")
    record = await stored(request, keys.comment, request.match_info["comment_id"], "comment")
    address = client_address(request, settings.trusted_proxies)
    client = keyed_hash(settings.secret, f"client:{address}")
    await _within_limit(request, client)
    reason, note = body["reason"], mask_emails(body.get("note", "").strip())
    added = await add_report(redis, record["id"], client, reason, note, now_iso())
    if added.status == "missing":
        raise NotFound(f"There is no comment {record['id']}.")
    if added.status == "not-published":
        raise _not_reportable(added.state)
    if added.status == "repeat":
        raise AlreadyReported("You already reported this comment; a moderator will look at it.")
    status = State.PUBLISHED.value
    raw_rules = await redis.get(keys.RULES)
    rules = parse_stored(str(raw_rules) if raw_rules else None, settings.rules).rules
    if withdraws(added.weight, rules.reports_to_withdraw, added.withdrawable):
        status = await _withdraw(request, record, added.count, added.weight)
    return web.json_response(
        {"comment_id": record["id"], "reason": reason, "status": status}, status=202
    )


def _not_reportable(state: str) -> NotReportable:
    return NotReportable(f"Only published comments can be reported; this one is {state}.")


async def _within_limit(request: web.Request, client: str) -> None:
    """The client's reports in the window, through the intake's sliding-window guard."""
    settings = request.app[SETTINGS]
    if not settings.rate_limits:
        return
    limit = settings.flood_report
    guard = Limit(
        keys.flood("report", client), limit.count, limit.seconds * 1000,
        int(time.time() * 1000), uuid.uuid4().hex, "report",
    )  # fmt: skip
    refused = await request.app[WRITER].apply([], [guard])
    if refused is not None:
        RATE_LIMITED.labels("report").inc()
        raise TooManyRequests(
            "Too many reports in a short time; wait before sending another.",
            retry_after_s=math.ceil(refused.retry_after_ms / 1000),
        )


async def _withdraw(request: web.Request, record: dict[str, str], count: int, weight: float) -> str:
    """Take the comment out of public view, compare-and-set: of concurrent reports that
    reach the threshold, one withdraws it; the comment is held either way."""
    transition = withdrawal(
        record, count, weight, int(time.time() * 1000),
        article_events_ttl_s=request.app[SETTINGS].article_events_ttl_s,
    )  # fmt: skip
    result = outcome(
        await request.app[TRANSITION](
            keys=transition_keys(transition), args=transition_args(transition)
        )
    )
    return State.HELD.value if result.applied else result.found


async def reported_queue(request: web.Request, limit: int) -> web.Response:
    """`GET /v1/moderation/queue?state=reported`: comments with open reports, most reported
    first, each with its reports' reasons, counts and notes. Called by
    moderation_handlers.queue, which checked the token."""
    cursor = request.query.get("cursor")
    match = CURSOR.fullmatch(cursor) if cursor is not None else None
    if cursor is not None and match is None:
        error = FieldError("cursor", "must be a next_cursor this API gave")
        raise InvalidQuery("The query string is not valid.", errors=[error])
    after = (int(match[1]), match[2]) if match else None
    redis = request.app[REDIS]
    page = await reported_page(redis, limit, after)
    ids = [comment_id for _, comment_id in page]
    async with redis.pipeline(transaction=False) as pipe:
        for comment_id in ids:
            pipe.hgetall(keys.comment(comment_id))
        records: list[dict[str, str]] = await pipe.execute()
        for record in records:
            pipe.hgetall(keys.author(record.get("email_hash", "")))
        histories: list[dict[str, str]] = await pipe.execute()
    reports = await open_reports(redis, ids)
    items: list[dict[str, Any]] = []
    for record, history, reported in zip(records, histories, reports, strict=True):
        if record:  # a comment erased meanwhile leaves nothing to show
            items.append({**moderator_view(record, history), "reports": reported})
    last = page[-1] if len(page) == limit else None
    return web.json_response(
        {
            "state": "reported",
            "items": items,
            "next_cursor": f"{last[0]}-{last[1]}" if last else None,
            "scanned": len(page),
        }
    )


async def dismiss_published(request: web.Request, record: dict[str, str], reason: str) -> str:
    """Dismiss the reports on a comment still published: it stays as it is; only the reports
    close, audited here since no transition is."""
    identity: Identity = request[IDENTITY]
    audit = {
        "at": now_iso(),
        "actor": identity.name,
        "role": identity.role.value,
        "action": Decision.DISMISS.value,
        "comment_id": record["id"],
        "article_id": record["article_id"],
        "from": State.PUBLISHED.value,
        "to": State.PUBLISHED.value,
        "reason": reason,
    }
    await close_reports(request.app[REDIS], record["id"], True, audit["at"], audit)
    return State.PUBLISHED.value


async def after_decision(request: web.Request, record: dict[str, str], decision: Decision) -> None:
    """A decision on a reported comment closes its reports; only a dismissal lowers the
    weight of its reporters' later reports."""
    if record.get("reports_open"):
        dismissed = decision == Decision.DISMISS
        await close_reports(request.app[REDIS], record["id"], dismissed, now_iso())
