"""Accepting a submission: the comment record and its RQ job, committed in one transaction."""

from __future__ import annotations

from redis.asyncio import Redis
from rq import Queue

from services.api.jobs import enqueue_moderation, recorder
from services.api.writer import BatchWriter
from services.core import keys
from services.core.comment import State, new_record, now_iso
from services.core.errors import FieldError, InvalidSubmission
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
) -> str:
    """Store the comment and queue its moderation; return its id once both have committed."""
    if submission.parent_id:
        await _check_parent(redis, article_id, submission.parent_id)
    comment_id = new_comment_id()
    record = new_record(comment_id, article_id, submission, settings.secret, now_iso())
    pipe = recorder(queue)
    pipe.hset(keys.comment(comment_id), mapping=record)  # type: ignore[arg-type]
    pipe.zadd(keys.PENDING, {comment_id: id_time_ms(comment_id)})
    enqueue_moderation(queue, pipe, comment_id, settings)
    await writer.apply([args for args, _options in pipe.command_stack])
    return comment_id


async def _check_parent(redis: Redis, article_id: str, parent_id: str) -> None:
    state, parent_article = await redis.hmget(keys.comment(parent_id), ["state", "article_id"])
    if state != State.PUBLISHED or parent_article != article_id:
        raise InvalidSubmission(
            "A reply must answer a published comment of the same article.",
            errors=[FieldError("/parent_id", "is not a published comment of this article")],
        )
