"""Accepting a submission: refused as a duplicate or a flood, or stored with its RQ job in one
atomic write."""

from __future__ import annotations

import math
import time

from redis.asyncio import Redis
from rq import Queue

from services.api.jobs import enqueue_moderation, recorder
from services.api.writer import BatchWriter, Guard, Limit, Unique
from services.core import keys
from services.core.comment import State, new_record, now_iso
from services.core.errors import Conflict, FieldError, InvalidSubmission, TooManyRequests
from services.core.ids import id_time_ms, new_comment_id
from services.core.settings import Settings
from services.core.submission import Submission


async def accept(
    redis: Redis,
    writer: BatchWriter,
    queue: Queue,
    settings: Settings,
    article_id: str,
    submission: Submission,
    client_hash: str,
) -> str:
    """Store the comment and queue its moderation; return its id once both have committed."""
    if submission.parent_id:
        await _check_parent(redis, article_id, submission.parent_id)
    comment_id = new_comment_id()
    record = new_record(comment_id, article_id, submission, settings.secret, now_iso(), client_hash)
    pipe = recorder(queue)
    pipe.hset(keys.comment(comment_id), mapping=record)  # type: ignore[arg-type]
    pipe.zadd(keys.state_set(State.PENDING), {comment_id: id_time_ms(comment_id)})
    enqueue_moderation(queue, pipe, comment_id, settings)
    guards = _guards(settings, article_id, record, comment_id)
    refused = await writer.apply([args for args, _options in pipe.command_stack], guards)
    if refused is None:
        return comment_id
    if isinstance(refused.guard, Unique):
        raise Conflict(
            "This author already sent the same comment to this article.",
        )
    raise TooManyRequests(
        "Too many comments in a short time; wait before sending another.",
        retry_after_s=math.ceil(refused.retry_after_ms / 1000),
    )


def _guards(
    settings: Settings, article_id: str, record: dict[str, str], comment_id: str
) -> list[Guard]:
    guards: list[Guard] = [
        Unique(
            keys.duplicate(article_id, record["email_hash"], record["fingerprint"]),
            settings.resubmit_window_s,
        )
    ]
    if settings.rate_limits:
        now_ms = int(time.time() * 1000)
        for kind, hashed, limit in [
            ("author", record["email_hash"], settings.flood_author),
            ("client", record["client_hash"], settings.flood_client),
        ]:
            if hashed:
                guards.append(
                    Limit(keys.flood(kind, hashed), limit.count, limit.seconds * 1000, now_ms,
                          comment_id)
                )  # fmt: skip
    return guards


async def _check_parent(redis: Redis, article_id: str, parent_id: str) -> None:
    state, parent_article = await redis.hmget(keys.comment(parent_id), ["state", "article_id"])
    if state != State.PUBLISHED or parent_article != article_id:
        raise InvalidSubmission(
            "A reply must answer a published comment of the same article.",
            errors=[FieldError("/parent_id", "is not a published comment of this article")],
        )
