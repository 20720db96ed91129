"""RQ jobs. Thin: they take ids, call into the domain, and are safe to run twice."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import structlog

from services.core import keys, logs, queues
from services.core.checks.signal import Action, Signal
from services.core.comment import State, now_iso
from services.core.ids import id_time_ms
from services.core.learning import Reputation, features, score
from services.core.moderation import (
    Assessment,
    assess,
    counts_for_spread,
    published_fields,
    spread_signal,
)
from services.core.transitions import Transition
from services.core.verdict import audited, decide
from services.worker import metrics
from services.worker.context import WorkerContext, current

log = logs.get(__name__)


def moderate(comment_id: str) -> str:
    """Decide a pending comment; return the state it is in afterwards."""
    started = time.perf_counter()
    outcome = "failed"
    try:
        state, outcome = _moderate(comment_id)
        return state
    finally:
        metrics.JOBS.labels(queues.MODERATION, outcome).inc()
        metrics.JOB_SECONDS.labels(queues.MODERATION).observe(time.perf_counter() - started)


def _moderate(comment_id: str) -> tuple[str, str]:
    """The state the comment is in afterwards, and the job's outcome for the metrics."""
    ctx = current()
    record: dict[str, str] = ctx.redis.hgetall(keys.comment(comment_id))  # type: ignore[assignment]
    if not record:
        log.warning("comment.missing", comment_id=comment_id)
        return "missing", "missing"
    with structlog.contextvars.bound_contextvars(
        request_id=record.get("request_id", ""), comment_id=comment_id
    ):
        if record["state"] != State.PENDING:
            log.info("comment.already_decided", state=record["state"])
            return record["state"], "already_decided"  # decided by an earlier run of this job
        state = _decide(ctx, record)
        return state, "decided"


def _decide(ctx: WorkerContext, record: dict[str, str]) -> str:
    comment_id = record["id"]
    rules = ctx.rules()
    now_ms = int(time.time() * 1000)
    assessment = assess(record, rules)
    checks = [s.check for s in assessment.signals]
    tokens = features(
        record["content"], record["author_name"], record.get("author_url", ""), checks
    )

    # Everything else the verdict needs from Redis, in one round trip.
    pipe = ctx.redis.pipeline(transaction=False)
    pipe.hmget(keys.LEARNED_SPAM, tokens)
    pipe.hmget(keys.LEARNED_HAM, tokens)
    pipe.hmget(keys.LEARNED_TOTALS, ["spam", "ham"])
    pipe.hgetall(keys.author(record["email_hash"]))
    pipe.get(keys.ban("author", record["email_hash"]))
    pipe.get(keys.ban("client", record.get("client_hash") or "-"))
    pipe.exists(keys.known_spam(record["fingerprint"]))
    spreads = counts_for_spread(record["content"], rules)
    if spreads:
        key, window_ms = keys.content_spread(record["fingerprint"]), rules.duplicate_window_s * 1000
        # The same article/author pair counts once: a second run of the job changes nothing.
        pipe.zadd(key, {f"{record['article_id']}|{record['email_hash']}": now_ms})
        pipe.zremrangebyscore(key, "-inf", now_ms - window_ms)
        pipe.zcard(key)
        pipe.pexpire(key, window_ms)
    found: list[Any] = pipe.execute()
    spam_counts, ham_counts, totals, history, author_ban, client_ban, known = found[:7]

    signals = list(assessment.signals)
    if author_ban or client_ban:
        signals.append(
            Signal("banned", Action.REJECT, 0.0, "the author or their address is banned")
        )
    if known:
        signals.append(
            Signal("known_spam", Action.SPAM, 1.0, "a moderator marked the same text spam")
        )
    if spreads and (spread := spread_signal(found[9], rules)):
        signals.append(spread)
    learned = score(
        tokens,
        [int(c or 0) for c in spam_counts],
        [int(c or 0) for c in ham_counts],
        int(totals[0] or 0),
        int(totals[1] or 0),
    )
    verdict = decide(
        signals,
        rules,
        learned,
        Reputation.from_counts(history),
        audited(comment_id, rules.audit_rate),
    )
    published: dict[str, str] = {}
    if verdict.state == State.PUBLISHED:
        spans = assessment.content_profanity.spans if verdict.censor else ()
        published = published_fields(record, spans)
    transition = Transition(
        record=record,
        expected=State.PENDING,
        new_state=verdict.state,
        now_iso=now_iso(),
        now_ms=now_ms,
        verdict=verdict.as_dict(),
        published=published,
        # What the site publishes and nobody objects to counts as genuine; a moderator's
        # later decision on it retrains it.
        learn_as="ham" if verdict.state == State.PUBLISHED else "",
        tokens=tuple(tokens),
        fields={"checks": ",".join(checks)},
    )
    applied, state, _ = ctx.transition(keys=transition.keys(), args=transition.args())
    if not applied:
        log.info("comment.decided_meanwhile", state=state)
        return str(state)
    _measure(assessment, verdict.signals, verdict.state.value, comment_id)
    log.info(
        "comment.decided",
        state=verdict.state.value,
        spam_score=verdict.spam_score,
        checks=[s.check for s in verdict.signals if s.action != "score" or s.score],
    )
    return verdict.state.value


def _measure(
    assessment: Assessment, signals: Sequence[Signal], state: str, comment_id: str
) -> None:
    for check, seconds in assessment.timings.items():
        metrics.CHECK_SECONDS.labels(check).observe(seconds)
    metrics.VERDICTS.labels(state).inc()
    for signal in signals:
        if signal.action != Action.SCORE or signal.score:
            metrics.REASONS.labels(signal.check, signal.action).inc()
    waited = time.time() - id_time_ms(comment_id) / 1000
    metrics.DECISION_SECONDS.labels(state).observe(max(0.0, waited))
