"""Accepting a submission: refused as a duplicate or a flood, replayed for a repeated
`Idempotency-Key`, or stored with its RQ job in one atomic write."""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from services.api.http_metrics import RATE_LIMITED
from services.core.comment import State, new_record, now_iso, self_link
from services.core.errors import (
    Conflict,
    FieldError,
    InvalidRequest,
    ParentConflict,
    TooManyRequests,
)
from services.core.ids import id_time_ms, new_comment_id
from services.core.own_comment import edit_token_hash, new_edit_token
from services.core.settings import Settings
from services.core.submission import Submission
from services.store import keys
from services.store.buffered_jobs import recorder
from services.store.stored_articles import ensure_open
from services.store.writer import BatchWriter, Guard, Limit, Unique


@dataclass(frozen=True)
class Idempotency:
    key_hash: str
    """SHA-256 of the caller's `Idempotency-Key`."""
    fingerprint: str
    """SHA-256 of what was asked: the article and the exact body."""
    scope: str
    """Whose keys these are: a token's name, or `public`."""


@dataclass(frozen=True)
class Accepted:
    comment_id: str
    body: dict[str, Any]
    replayed: bool = False
    """True when this answers a repeated `Idempotency-Key`: nothing new was stored."""


@dataclass(frozen=True)
class Submitter:
    client_hash: str
    token_name: str = ""
    """The site token's name, when the submission came with one."""
    request_id: str = ""


async def accept(
    redis: Redis,
    writer: BatchWriter,
    settings: Settings,
    article_id: str,
    submission: Submission,
    submitter: Submitter,
    idempotency: Idempotency | None = None,
    article: dict[str, str] | None = None,
    close_after_days: int | None = None,
) -> Accepted:
    """Store the comment and queue its moderation; answer once both have committed.
    `article` is the article's stored record ({} or None: new to the service);
    `close_after_days` is the rules' default, for an article that sets none of its own."""
    ensure_open(article_id, article or {}, close_after_days)  # refused before any write
    if submission.parent_id:
        await _check_parent(redis, article_id, submission.parent_id)
    comment_id = new_comment_id()
    record = new_record(
        comment_id, article_id, submission, settings.secret, now_iso(), submitter.client_hash
    )
    record["request_id"] = submitter.request_id
    # The reader's own comment: the token is answered once, and only its keyed hash is kept
    # (an Idempotency-Key replay answers without it).
    edit_token = new_edit_token()
    record["edit_token_hash"] = edit_token_hash(settings.secret, edit_token)
    body = {
        "id": comment_id,
        "article_id": article_id,
        "status": "pending",
        "links": {"self": self_link(comment_id)},
    }
    pipe = recorder()
    pipe.hset(keys.comment(comment_id), mapping=record)  # type: ignore[arg-type]
    pipe.zadd(keys.state_set(State.PENDING), {comment_id: id_time_ms(comment_id)})
    pipe.sadd(keys.author_comments(record["email_hash"]), comment_id)
    # An article the service never heard of becomes a record with the defaults.
    pipe.hsetnx(keys.article(article_id), "created_at", record["created_at"])
    guards: list[Guard] = []
    if idempotency:
        # First: a repeated request is answered as before, whatever the limits say now.
        remembered = json.dumps({"fingerprint": idempotency.fingerprint, "response": body})
        guards.append(
            Unique(
                keys.idempotency(idempotency.scope, idempotency.key_hash),
                settings.idempotency_ttl_s,
                remembered,
            )
        )
    guards += _limits(settings, article_id, record, comment_id, submitter)
    refused = await writer.apply(
        [args for args, _options in pipe.command_stack], guards, comment_id=comment_id
    )
    if refused is None:
        return Accepted(comment_id, {**body, "edit_token": edit_token})
    if idempotency and refused.guard is guards[0]:
        earlier = json.loads(refused.stored)
        if earlier["fingerprint"] != idempotency.fingerprint:
            raise InvalidRequest(
                "This Idempotency-Key was used for a different request; use a new key.",
                errors=[FieldError("Idempotency-Key", "was used with a different body")],
            )
        return Accepted(earlier["response"]["id"], earlier["response"], replayed=True)
    if isinstance(refused.guard, Unique):
        raise Conflict("This author already sent the same comment to this article.")
    assert isinstance(refused.guard, Limit)
    RATE_LIMITED.labels(refused.guard.name).inc()
    raise TooManyRequests(
        "Too many comments in a short time; wait before sending another.",
        retry_after_s=math.ceil(refused.retry_after_ms / 1000),
    )


def _limits(
    settings: Settings,
    article_id: str,
    record: dict[str, str],
    comment_id: str,
    submitter: Submitter,
) -> list[Guard]:
    guards: list[Guard] = [
        Unique(
            keys.duplicate(article_id, record["email_hash"], record["fingerprint"]),
            settings.resubmit_window_s,
        )
    ]
    if not settings.rate_limits:
        return guards
    now_ms = int(time.time() * 1000)
    limits = [("author", record["email_hash"], settings.flood_author)]
    if submitter.token_name:
        limits.append(("token", submitter.token_name, settings.flood_token))
    elif submitter.client_hash:
        limits.append(("client", submitter.client_hash, settings.flood_client))
    for kind, who, limit in limits:
        guards.append(
            Limit(
                keys.flood(kind, who), limit.count, limit.seconds * 1000, now_ms, comment_id, kind
            )
        )
    return guards


async def _check_parent(redis: Redis, article_id: str, parent_id: str) -> None:
    state, parent_article = await redis.hmget(keys.comment(parent_id), ["state", "article_id"])
    if state != State.PUBLISHED or parent_article != article_id:
        raise ParentConflict(
            "A reply must answer a published comment of the same article.",
            errors=[FieldError("/parent_id", "is not a published comment of this article")],
        )
