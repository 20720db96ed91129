"""RQ jobs. Thin: they take ids, call into the domain, and are safe to run twice."""

from __future__ import annotations

import logging
import time

from services.core import keys
from services.core.checks.signal import Signal
from services.core.comment import State, now_iso
from services.core.moderation import (
    assess,
    counts_for_spread,
    published_fields,
    spread_signal,
)
from services.core.rules import Rules
from services.core.transitions import Transition, published_event
from services.core.verdict import decide
from services.worker.context import WorkerContext, current

log = logging.getLogger(__name__)


def moderate(comment_id: str) -> str:
    """Decide a pending comment; return the state it is in afterwards."""
    ctx = current()
    record: dict[str, str] = ctx.redis.hgetall(keys.comment(comment_id))  # type: ignore[assignment]
    if not record:
        log.warning("moderation job for unknown comment %s", comment_id)
        return "missing"
    if record["state"] != State.PENDING:
        return record["state"]  # decided by an earlier run of this job
    rules = ctx.rules()
    now_ms = int(time.time() * 1000)
    assessment = assess(record, rules)
    signals = assessment.signals
    if spread := _content_spread(ctx, record, rules, now_ms):
        signals.append(spread)
    verdict = decide(signals, rules)
    when = now_iso()
    published: dict[str, str] = {}
    event = None
    if verdict.state == State.PUBLISHED:
        published = published_fields(record, assessment, verdict.censor)
        event = published_event(record, published, when)
    transition = Transition(
        comment_id=comment_id,
        article_id=record["article_id"],
        expected=(State.PENDING,),
        new_state=verdict.state,
        now_iso=when,
        now_ms=now_ms,
        verdict={"state": verdict.state.value, "spam_score": verdict.spam_score,
                 "reasons": verdict.reasons()},
        published=published,
        event=event,
    )  # fmt: skip
    applied, found = ctx.transition(keys=transition.keys(), args=transition.args())
    return verdict.state.value if applied else str(found)


def _content_spread(
    ctx: WorkerContext, record: dict[str, str], rules: Rules, now_ms: int
) -> Signal | None:
    """The same content sent for many articles or by many authors within the window is spam.
    Counting the same article/author pair once keeps a second run of the job harmless."""
    if not counts_for_spread(record["content"], rules):
        return None
    key = keys.content_spread(record["fingerprint"])
    window_ms = rules.duplicate_window_s * 1000
    pipe = ctx.redis.pipeline(transaction=True)
    pipe.zadd(key, {f"{record['article_id']}|{record['email_hash']}": now_ms})
    pipe.zremrangebyscore(key, "-inf", now_ms - window_ms)
    pipe.zcard(key)
    pipe.pexpire(key, window_ms)
    return spread_signal(pipe.execute()[2], rules)
