"""RQ jobs. Thin: they take ids, call into the domain, and are safe to run twice.

A batch job carries the comments accepted while it waited in the queue (up to
`queues.MODERATION_BATCH`, listed in Redis by the scripts that stored them; one while the
workers keep up): RQ's own cost per job, and each of Redis's round trips, is paid once for
all of them. Each comment is still decided on its own, by a
compare-and-set transition, so a job that runs twice, or a comment decided meanwhile, changes
nothing; the comments of one job are judged against the same snapshot of the filter and
their authors' histories.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from services.core import logs
from services.core.article_settings import premoderation_of
from services.core.checks.signal import Action, Signal
from services.core.comment import State, now_iso
from services.core.ids import id_time_ms
from services.core.learning import Reputation, features, score
from services.core.masking import mask_emails
from services.core.moderation import (
    Assessment,
    assess,
    counts_for_spread,
    published_fields,
    spread_bands,
    spread_signal,
)
from services.core.premoderation import premoderation_signals
from services.core.rules import Rules
from services.core.transition import Transition
from services.core.verdict import Verdict, audited, decide
from services.store import keys, queues
from services.store.batches import batch, read_batch_args, read_batch_keys
from services.store.records import UPDATE, update_args
from services.worker import job_metrics as metrics
from services.worker.context import current

log = logs.get(__name__)

# KEYS: the text's LSH band sets; ARGV: this comment's `article|author`, now (ms), window (ms).
# Adds the comment to each band's set (once per pair, so a job run twice changes nothing),
# drops what fell out of the window, and returns how many distinct pairs and authors sent a
# text sharing a band with it (counting the latest 50 pairs of each band: enough to pass
# `duplicate_spread`, bounded however large a campaign grows).
SPREAD = """
local pairs, authors, n_pairs, n_authors = {}, {}, 0, 0
local now, window = tonumber(ARGV[2]), tonumber(ARGV[3])
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  redis.call('PEXPIRE', key, window)
  for _, member in ipairs(redis.call('ZREVRANGE', key, 0, 49)) do
    if not pairs[member] then
      pairs[member], n_pairs = true, n_pairs + 1
      local author = string.match(member, '|(.*)$') or member
      if not authors[author] then authors[author], n_authors = true, n_authors + 1 end
    end
  end
end
return {n_pairs, n_authors}
"""


class ModerationFailed(RuntimeError):
    """Some comments of the job could not be decided (the others were): RQ retries the job,
    which skips the decided ones."""


def moderate_batch(listing: str) -> str:
    """Decide the pending comments listed under `listing`; the list goes once they are."""
    return _run(keys=[listing])


def moderate(*comment_ids: str) -> str:
    """Decide the pending comments among `comment_ids`; return their states afterwards."""
    return _run(ids=list(comment_ids))


def _run(*, keys: list[str] | None = None, ids: list[str] | None = None) -> str:
    started = time.perf_counter()
    outcomes: list[str] = []
    try:
        states, outcomes = _moderate(keys or [], ids or [])
        return ",".join(states)
    finally:
        for outcome in outcomes or ["failed"]:
            metrics.JOBS.labels(queues.MODERATION, outcome).inc()
        metrics.JOB_SECONDS.labels(queues.MODERATION).observe(time.perf_counter() - started)


@dataclass
class Pending:
    """A comment being decided: what the checks found, and what it needs from Redis."""

    record: dict[str, str]
    assessment: Assessment
    tokens: list[str]
    bands: list[str]
    """What the text is indexed by when it counts towards spread (`spread_bands`)."""
    now_ms: int

    @property
    def comment_id(self) -> str:
        return self.record["id"]

    def read(self, pipe: Any, rules: Rules) -> list[str]:
        """Queue what the verdict needs from Redis on `pipe`; return the name of each
        command's reply, in order (`verdict` reads the replies by these names)."""
        record = self.record
        pipe.hmget(keys.LEARNED_SPAM, self.tokens)
        pipe.hmget(keys.LEARNED_HAM, self.tokens)
        pipe.hmget(keys.LEARNED_TOTALS, ["spam", "ham", "prior_spam", "prior_ham"])
        pipe.hgetall(keys.author(record["email_hash"]))
        pipe.get(keys.ban("author", record["email_hash"]))
        pipe.get(keys.ban("client", record.get("client_hash") or "-"))
        pipe.exists(keys.known_spam(record["fingerprint"]))
        # Pre-moderation and trust (services/core/premoderation.py).
        pipe.hget(keys.article(record["article_id"]), "premoderation")
        pipe.hget(keys.TRUSTED, record["email_hash"])
        names = ["spam_counts", "ham_counts", "totals", "history", "author_ban", "client_ban",
                 "known_spam", "premoderation", "trusted"]  # fmt: skip
        if self.spreads:
            band_keys = [keys.near_dup(band) for band in self.bands]
            member = f"{record['article_id']}|{record['email_hash']}"
            window_ms = rules.duplicate_window_s * 1000
            pipe.eval(SPREAD, len(band_keys), *band_keys, member, self.now_ms, window_ms)
            names.append("spread")
        return names

    @property
    def spreads(self) -> bool:
        return bool(self.bands)

    def verdict(self, found: dict[str, Any], rules: Rules) -> tuple[Verdict, Transition]:
        """The verdict, from the replies `read` named."""
        record = self.record
        totals = found["totals"]
        signals = list(self.assessment.signals)
        if found["author_ban"] or found["client_ban"]:
            signals.append(
                Signal("banned", Action.REJECT, 0.0, "the author or their address is banned")
            )
        if found["known_spam"]:
            signals.append(
                Signal("known_spam", Action.SPAM, 1.0, "a moderator marked the same text spam")
            )
        if self.spreads:
            pairs, authors = found["spread"]
            if spread := spread_signal(int(pairs), int(authors), signals, rules):
                signals.append(spread)
        history = Reputation.from_counts(found["history"])
        mode = premoderation_of(found["premoderation"], rules)
        trusted = bool(found["trusted"])
        signals += premoderation_signals(mode, history, trusted, bool(found["premoderation"]))
        learned = score(
            self.tokens,
            [int(c or 0) for c in found["spam_counts"]],
            [int(c or 0) for c in found["ham_counts"]],
            int(totals[0] or 0),
            int(totals[1] or 0),
            (int(totals[2] or 0), int(totals[3] or 0)),
        )
        verdict = decide(
            signals,
            rules,
            learned,
            history,
            audited(self.comment_id, rules.audit_rate),
            trusted=trusted,
        )
        published: dict[str, str] = {}
        if verdict.state == State.PUBLISHED:
            spans = self.assessment.content_profanity.spans if verdict.censor else ()
            published = published_fields(record, spans)
        transition = Transition(
            record=record,
            expected=State.PENDING,
            new_state=verdict.state,
            now_iso=now_iso(),
            now_ms=self.now_ms,
            verdict=verdict.as_dict(),
            published=published,
            # What the site publishes and nobody objects to counts as genuine; a moderator's
            # later decision on it retrains it.
            learn_as="ham" if verdict.state == State.PUBLISHED else "",
            tokens=tuple(self.tokens),
            fields={"checks": ",".join(s.check for s in self.assessment.signals)},
            article_events_ttl_s=current().settings.article_events_ttl_s,
            # Judged on this text: refused if its author edited it meanwhile (the edit's job
            # judges the new text).
            revision=record.get("revision", ""),
        )
        return verdict, transition


def _moderate(listing: list[str], given: list[str]) -> tuple[list[str], list[str]]:
    """Each comment's state afterwards, and its outcome for the metrics. Three round trips
    to Redis for the whole job: the records, what the verdicts need, the transitions."""
    ctx = current()
    rules = ctx.rules()
    read = batch(ctx.read_batch(keys=read_batch_keys(listing), args=read_batch_args(given)))
    comment_ids, records = read.ids, read.records
    states = ["missing"] * len(comment_ids)
    outcomes = ["missing"] * len(comment_ids)
    pending: list[tuple[int, Pending]] = []
    failed: dict[str, str] = {}
    """comment id -> what went wrong"""
    for i, (comment_id, record) in enumerate(zip(comment_ids, records, strict=True)):
        if not record:
            log.warning("comment.missing", comment_id=comment_id)  # erased meanwhile?
        elif record["state"] != State.PENDING:
            states[i], outcomes[i] = record["state"], "already_decided"  # an earlier run
        else:
            try:
                pending.append((i, _prepare(record, rules)))
            except Exception as e:
                log.exception("comment.failed", comment_id=comment_id)
                states[i], outcomes[i] = "pending", "failed"
                failed[comment_id] = f"{type(e).__name__}: {e}"
    if pending:
        pipe = ctx.redis.pipeline(transaction=False)
        names = [p.read(pipe, rules) for _, p in pending]
        replies = iter(pipe.execute())
        decided: list[tuple[int, Pending, Verdict, Transition]] = []
        for (i, p), named in zip(pending, names, strict=True):
            found = {name: next(replies) for name in named}
            try:
                verdict, transition = p.verdict(found, rules)
                decided.append((i, p, verdict, transition))
            except Exception as e:
                log.exception("comment.failed", comment_id=p.comment_id)
                states[i], outcomes[i] = "pending", "failed"
                failed[p.comment_id] = f"{type(e).__name__}: {e}"
        results = ctx.apply_transitions(
            [t for *_, t in decided], done=listing if not failed else []
        )
        for (i, p, verdict, _), result in zip(decided, results, strict=True):
            states[i], outcomes[i] = _report(p, verdict, result.applied, result.found)
    elif listing and not failed:
        ctx.redis.delete(*listing)
    if failed:
        # Each comment keeps its own error: the reconciler names it if the comment is held.
        pipe = ctx.redis.pipeline(transaction=False)
        for comment_id, error in failed.items():
            last_error = {"last_error": mask_emails(error)[:300]}
            pipe.eval(UPDATE, 1, keys.comment(comment_id), *update_args(last_error))
        pipe.execute()
        first, error = next(iter(failed.items()))
        raise ModerationFailed(f"{len(failed)} of {len(comment_ids)} comments, {first}: {error}")
    return states, outcomes


def _prepare(record: dict[str, str], rules: Rules) -> Pending:
    assessment = assess(record, rules)
    checks = [s.check for s in assessment.signals]
    tokens = features(
        record["content"], record["author_name"], record.get("author_url", ""), checks
    )
    spreads = counts_for_spread(record["content"], rules)
    found = (
        spread_bands(record["content"], record["fingerprint"], assessment.signals)
        if spreads
        else []
    )
    return Pending(record, assessment, tokens, found, int(time.time() * 1000))


def _report(p: Pending, verdict: Verdict, applied: bool, found: str) -> tuple[str, str]:
    with structlog.contextvars.bound_contextvars(
        request_id=p.record.get("request_id", ""), comment_id=p.comment_id
    ):
        if not applied:
            log.info("comment.decided_meanwhile", state=found)
            return found, "already_decided"
        _measure(p.assessment, verdict.signals, verdict.state.value, p.comment_id)
        log.info(
            "comment.decided",
            state=verdict.state.value,
            spam_score=verdict.spam_score,
            checks=[s.check for s in verdict.signals if s.action != "score" or s.score],
        )
        return verdict.state.value, "decided"


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
