"""The moderation API: the queue, one comment, decisions one by one or in bulk, the audit log,
and a stream of what changes, for the moderation page."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from aiohttp import web
from aiohttp_sse import sse_response

from services.api.auth import IDENTITY, Identity, requires
from services.api.bodies import json_body
from services.api.feeds import stream_id
from services.api.report_handlers import after_decision, dismiss_published, reported_queue
from services.api.state import FEEDS, REDIS, SETTINGS, TRANSITION
from services.api.stored import stored
from services.api.streams import STREAMS, relay
from services.core.access import Role
from services.core.comment import State, moderator_view
from services.core.decisions import Decision, decision_transition
from services.core.errors import (
    CommentChanged,
    FieldError,
    InvalidQuery,
    NotFound,
    StateConflict,
)
from services.core.report_policy import decision_refusal
from services.core.schemas import schemas
from services.store import keys
from services.store.transitions import outcome, transition_args, transition_keys

QUEUE_STATES = {State.HELD, State.SPAM, State.REJECTED, State.REMOVED, State.PENDING}
"""And `reported` (services/api/report_handlers.py)."""
DEFAULT_LIMIT, MAX_LIMIT = 50, 200
SCAN_BATCH, MAX_SCAN = 200, 5000
"""The queue reads ids in batches, and looks at most at MAX_SCAN ids for one page."""
ARTICLE_ID = re.compile(schemas()["article-id.schema.json"]["pattern"])
CURSOR = re.compile(r"^(\d{1,15})-([0-9A-HJKMNP-TV-Z]{26})$")


@requires(Role.MODERATOR)
async def queue(request: web.Request) -> web.Response:
    """`GET /v1/moderation/queue?state=held&article_id=&reason=&limit=&cursor=`: oldest first."""
    if request.query.get("state") == "reported":  # reader reports: most reported first
        return await reported_queue(request, _limit(request))
    state, article_id, reason, limit, after = _queue_query(request)
    redis = request.app[REDIS]
    key = keys.state_set(state)
    items: list[dict[str, str]] = []
    last, scanned = after, 0
    while len(items) < limit and scanned < MAX_SCAN:
        batch: list[tuple[str, float]] = await redis.zrange(  # type: ignore[assignment]
            key, last[0] if last else "-inf", "+inf", byscore=True, offset=0, num=SCAN_BATCH,
            withscores=True,
        )  # fmt: skip
        fresh = [(int(s), i) for i, s in batch if last is None or (int(s), i) > last]
        if not fresh:
            break
        async with redis.pipeline(transaction=False) as pipe:
            for _, comment_id in fresh:
                pipe.hgetall(keys.comment(comment_id))
            records: list[dict[str, str]] = await pipe.execute()
        for position, record in zip(fresh, records, strict=True):
            scanned += 1
            last = position
            if record and _matches(record, state, article_id, reason):
                items.append(record)
                if len(items) == limit:
                    break
        if len(batch) < SCAN_BATCH:
            break
    views = await _with_history(request, items)
    more = len(items) == limit or scanned >= MAX_SCAN
    next_cursor = f"{last[0]}-{last[1]}" if more and last else None
    return web.json_response(
        {"state": state, "items": views, "next_cursor": next_cursor, "scanned": scanned}
    )


@requires(Role.MODERATOR)
async def one(request: web.Request) -> web.Response:
    record = await _record(request, request.match_info["comment_id"])
    return web.json_response((await _with_history(request, [record]))[0])


@requires(Role.MODERATOR)
async def decide_one(request: web.Request) -> web.Response:
    """`POST /v1/moderation/comments/{id}/decision` `{"action": ..., "reason": ...}`."""
    body = await json_body(request, "moderation-decision.schema.json")
    record = await _record(request, request.match_info["comment_id"])
    if (seen := body.get("revision")) is not None and seen != int(record.get("revision") or 0):
        raise CommentChanged(
            f"Its author edited this comment since you read it (revision {seen}, now "
            f"{int(record.get('revision') or 0)}): reload it and decide on the text it has now."
        )
    await _apply(
        request, record, Decision(body["action"]), body.get("reason", ""), body.get("from")
    )
    fresh = await _record(request, record["id"])
    return web.json_response((await _with_history(request, [fresh]))[0])


@requires(Role.MODERATOR)
async def decide_many(request: web.Request) -> web.Response:
    """`POST /v1/moderation/decisions` `{"ids": [...], "action": ..., "reason": ...}`: each
    comment decided on its own; the answer says, for each, what happened."""
    body = await json_body(request, "moderation-bulk-decision.schema.json")
    decision, reason = Decision(body["action"]), body.get("reason", "")
    results = []
    for comment_id in body["ids"]:
        try:
            record = await _record(request, comment_id)
            state = await _apply(request, record, decision, reason, body.get("from"))
            results.append({"id": comment_id, "status": 200, "state": state})
        except (NotFound, StateConflict) as problem:
            results.append({"id": comment_id, "status": problem.status, "detail": problem.detail})
    return web.json_response({"action": decision.value, "results": results})


@requires(Role.MODERATOR)
async def audit(request: web.Request) -> web.Response:
    """`GET /v1/moderation/audit?limit=&before=`: newest first."""
    limit = _limit(request)
    before = request.query.get("before", "+")
    if before != "+" and not re.fullmatch(r"\d{1,20}-\d{1,20}", before):
        error = FieldError("before", "must be a next_before this API gave")
        raise InvalidQuery("The query string is not valid.", errors=[error])
    if re.fullmatch(r"0+-0+", before):
        return web.json_response({"entries": [], "next_before": None})  # nothing is before it
    end = before if before == "+" else f"({before}"
    rows: list[tuple[str, dict[str, str]]] = await request.app[REDIS].xrevrange(  # type: ignore[assignment]
        keys.AUDIT, end, "-", count=limit
    )
    entries = [{"id": entry_id, **json.loads(fields["data"])} for entry_id, fields in rows]
    return web.json_response(
        {"entries": entries, "next_before": entries[-1]["id"] if len(entries) == limit else None}
    )


@requires(Role.MODERATOR)
async def stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events of every comment event (ids only, no text), so the moderation page
    sees held comments arrive and decided ones leave without reloading."""
    resume = request.headers.get("Last-Event-ID")
    if resume is not None and stream_id(resume) is None:
        error = FieldError("Last-Event-ID", "must be an event id this stream gave")
        raise InvalidQuery("The Last-Event-ID is not one of ours.", errors=[error])
    with request.app[STREAMS].open(request) as ended:
        async with (
            request.app[FEEDS].subscribe(keys.EVENTS) as reader,
            sse_response(request) as response,
        ):
            await relay(request, response, reader, ended, resume, _event)
    return response


def _event(fields: dict[str, str]) -> tuple[str, str] | None:
    if "comment_id" not in fields:
        return None  # not about a comment (webhook.disabled)
    data = {k: fields[k] for k in ("type", "article_id", "comment_id")}
    return fields["type"], json.dumps(data)


async def _apply(
    request: web.Request,
    record: dict[str, str],
    decision: Decision,
    reason: str,
    seen: str | None,
) -> str:
    """Apply `decision` to the comment if it is still in the state the moderator saw (`seen`)
    or, without one, if no moderator has decided it yet."""
    state = State(record["state"])
    if seen and seen != state:
        raise StateConflict(f"The comment is {state} now, not {seen}.")
    if not seen and record.get("decided_by"):
        raise StateConflict(
            f"{record['decided_by']} already decided this comment ({record.get('decision')}); "
            f'send "from": "{state}" to decide it again.'
        )
    if refusal := decision_refusal(decision, record):  # the states it applies to, and reports
        raise StateConflict(refusal)
    if decision == Decision.DISMISS and state == State.PUBLISHED:
        return await dismiss_published(request, record, reason)  # nothing to move
    identity: Identity = request[IDENTITY]
    transition = decision_transition(
        record, decision, identity.name, identity.role.value, reason, int(time.time() * 1000),
        first_decision=not seen,
        article_events_ttl_s=request.app[SETTINGS].article_events_ttl_s,
    )  # fmt: skip
    result = outcome(
        await request.app[TRANSITION](
            keys=transition_keys(transition), args=transition_args(transition)
        )
    )
    if not result.applied:
        by = f" by {result.decided_by}" if result.decided_by else ""
        raise StateConflict(f"The comment was decided meanwhile{by}: it is {result.found} now.")
    await after_decision(request, record, decision)  # closes reader reports, if any
    return transition.new_state.value


async def _record(request: web.Request, comment_id: str) -> dict[str, str]:
    return await stored(request, keys.comment, comment_id, "comment")


async def _with_history(
    request: web.Request, records: list[dict[str, str]]
) -> list[dict[str, Any]]:
    authors = sorted({r["email_hash"] for r in records})
    async with request.app[REDIS].pipeline(transaction=False) as pipe:
        for email_hash in authors:
            pipe.hgetall(keys.author(email_hash))
        histories = dict(zip(authors, await pipe.execute(), strict=True))
    return [moderator_view(r, histories[r["email_hash"]]) for r in records]


def _matches(record: dict[str, str], state: State, article_id: str, reason: str) -> bool:
    if record["state"] != state or (article_id and record["article_id"] != article_id):
        return False
    if not reason:
        return True
    checks = {r["check"] for r in json.loads(record.get("verdict") or "{}").get("reasons", [])}
    return any(c == reason or c.startswith(f"{reason}:") for c in checks)


def _limit(request: web.Request) -> int:
    raw = request.query.get("limit", str(DEFAULT_LIMIT))
    if raw.isascii() and raw.isdigit() and len(raw) <= 9 and 1 <= int(raw) <= MAX_LIMIT:
        return int(raw)
    raise InvalidQuery(
        "The query string is not valid.",
        errors=[FieldError("limit", f"must be a whole number from 1 to {MAX_LIMIT}")],
    )


def _queue_query(request: web.Request) -> tuple[State, str, str, int, tuple[int, str] | None]:
    errors = []
    query = request.query
    state_name = query.get("state", "held")
    if state_name not in QUEUE_STATES:
        names = ", ".join(sorted([*QUEUE_STATES, "reported"]))
        errors.append(FieldError("state", f"must be one of {names}"))
    article_id = query.get("article_id")
    if article_id is not None and not ARTICLE_ID.fullmatch(article_id):
        errors.append(FieldError("article_id", "must be an article id"))
    reason = query.get("reason", "")
    if len(reason) > 64:
        errors.append(FieldError("reason", "must be a check name such as links or spam"))
    cursor = CURSOR.fullmatch(query.get("cursor", "")) if "cursor" in query else None
    if "cursor" in query and not cursor:
        errors.append(FieldError("cursor", "must be a next_cursor this API gave"))
    try:
        limit = _limit(request)
    except InvalidQuery as problem:
        errors += problem.errors
    if errors:
        raise InvalidQuery("The query string is not valid.", errors=errors)
    after = (int(cursor[1]), cursor[2]) if cursor else None
    return State(state_name), article_id or "", reason, limit, after
