"""What happens to comments after their verdict: spam and rejected ones purged after a while,
everything of one email address erased or exported on request, comments exported.

Each comment is removed in one transaction, watched so that a worker or a moderator deciding
it at the same moment makes the transaction retry rather than leave half a comment behind.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from redis import Redis
from redis.exceptions import WatchError

from services.core import logs
from services.core.comment import PUBLIC_FIELDS, State, now_iso, public_view
from services.core.decisions import tokens_of
from services.core.emails import email_hashes
from services.core.near_dup import bands
from services.core.transition import ARTICLE_EVENTS_TTL_S
from services.store import keys
from services.store.scripts import source
from services.store.transitions import (
    ARTICLE_EVENTS_MAXLEN,
    AUDIT_MAXLEN,
    EVENTS_MAXLEN,
)

log = logs.get(__name__)

PURGED_STATES = (State.SPAM, State.REJECTED)
STATE_SETS = (State.PENDING, State.HELD, State.SPAM, State.REJECTED, State.REMOVED)
BATCH = 500
STREAM_PAGE = 1_000

UNTRAIN = source("lifecycle_untrain.lua")
"""Unteach the filter one comment (KEYS: the learned counts, the totals)."""


@dataclass
class Erasure:
    comments: int = 0
    published: int = 0
    """Of them, how many were published (readers were sent `comment.removed`)."""
    events: int = 0
    """Stream entries deleted: events that carried the comments, audit entries with the hash."""
    articles: set[str] = field(default_factory=set)


def erase_email(
    redis: Redis,
    secret: bytes,
    address: str,
    actor: str,
    reason: str = "",
    article_events_ttl_s: int = ARTICLE_EVENTS_TTL_S,
) -> Erasure:
    """Remove every comment sent with `address` and everything kept under its hash: the
    comments (withdrawn from their articles, with `comment.removed` events), the events that
    carried them, what the filter learned from them, the author's counts, limits, duplicate
    marks, bans and trust. An audit entry records the erasure, without the address or its hash."""
    erasure = Erasure()
    for hashed in email_hashes(secret, address):
        _erase_author(redis, hashed, erasure, article_events_ttl_s)
    _audit(redis, {"action": "erase", "actor": actor, "reason": reason,
                   "comments": erasure.comments, "published": erasure.published})  # fmt: skip
    log.warning("author.erased", comments=erasure.comments, published=erasure.published)
    return erasure


def _erase_author(redis: Redis, hashed: str, erasure: Erasure, article_events_ttl_s: int) -> None:
    ids: set[str] = redis.smembers(keys.author_comments(hashed))  # type: ignore[assignment]
    for comment_id in sorted(ids):
        published, article_id = _remove_comment(redis, comment_id, withdraw=article_events_ttl_s)
        erasure.comments += 1
        erasure.published += published
        if article_id:
            erasure.articles.add(article_id)
    erasure.events += _delete_events(redis, keys.EVENTS, lambda f: f.get("comment_id") in ids)
    for article_id in erasure.articles:
        erasure.events += _delete_events(
            redis,
            keys.article_events(article_id),
            lambda f: f.get("type") == "comment.published" and _event_comment(f) in ids,
        )
    erasure.events += _delete_events(redis, keys.AUDIT, lambda f: hashed in f.get("data", ""))
    author_keys = [keys.author(hashed), keys.author_comments(hashed), keys.flood("author", hashed),
                   keys.ban("author", hashed)]  # fmt: skip
    author_keys += list(redis.scan_iter(match=keys.duplicate("*", hashed, "*"), count=1000))
    redis.delete(*author_keys)
    redis.hdel(keys.TRUSTED, hashed)  # a moderator's trust names the hash too (issue 15)


def purge(redis: Redis, older_than_days: int, now: float | None = None) -> int:
    """Delete spam and rejected comments decided more than `older_than_days` ago; return how
    many. Nothing is purged when `older_than_days` is 0."""
    if older_than_days <= 0:
        return 0
    cutoff_ms = int(((time.time() if now is None else now) - older_than_days * 86400) * 1000)
    purged = 0
    for state in PURGED_STATES:
        while ids := redis.zrangebyscore(keys.state_set(state), "-inf", cutoff_ms, 0, BATCH):
            for comment_id in ids:
                _remove_comment(redis, str(comment_id), withdraw=None)
            purged += len(ids)
    if purged:
        log.info("comments.purged", comments=purged, older_than_days=older_than_days)
    return purged


def export_article(redis: Redis, article_id: str) -> Iterator[dict[str, Any]]:
    """The article's published comments in publication order, as readers see them."""
    key = keys.published(article_id)
    start = 0
    while ids := redis.zrange(key, start, start + BATCH - 1):
        pipe = redis.pipeline(transaction=False)
        for comment_id in ids:
            pipe.hmget(keys.comment(str(comment_id)), PUBLIC_FIELDS)
        for row in pipe.execute():
            record = dict(zip(PUBLIC_FIELDS, row, strict=True))
            if record["state"] == State.PUBLISHED:
                yield public_view(record)
        start += BATCH


PERSON_FIELDS = [
    "id", "article_id", "parent_id", "state", "author_name", "author_url", "email_masked",
    "content", "created_at", "decided_at", "published_at", "published_content",
]  # fmt: skip


def export_person(redis: Redis, secret: bytes, address: str) -> Iterator[dict[str, Any]]:
    """Every comment sent with `address`, oldest first, with its state and dates: what the
    service keeps about that person (it keeps no address, only its keyed hash and a mask)."""
    ids: set[str] = set()
    for hashed in email_hashes(secret, address):
        ids.update(redis.smembers(keys.author_comments(hashed)))  # type: ignore[arg-type]
    for chunk in _chunks(sorted(ids), BATCH):
        pipe = redis.pipeline(transaction=False)
        for comment_id in chunk:
            pipe.hmget(keys.comment(comment_id), PERSON_FIELDS)
        for row in pipe.execute():
            record = dict(zip(PERSON_FIELDS, row, strict=True))
            if record["id"]:
                yield {k: v for k, v in record.items() if v not in (None, "")}


def export_all(redis: Redis) -> Iterator[dict[str, Any]]:
    """Every comment record as stored, in every state (a backup or a move): records hold no
    email address, only its keyed hash and a mask."""
    for chunk in _chunks(
        list(redis.scan_iter(match=keys.comment("*"), count=BATCH, _type="HASH")), BATCH
    ):
        pipe = redis.pipeline(transaction=False)
        for key in chunk:
            pipe.hgetall(key)
        for record in pipe.execute():
            if record.get("id"):
                yield {k: v for k, v in record.items() if k not in ("job_id", "request_id")}


def _remove_comment(redis: Redis, comment_id: str, *, withdraw: int | None) -> tuple[bool, str]:
    """Delete one comment and its traces; return whether it was published, and its article.
    With `withdraw` (the article event stream's TTL), its readers are told it is gone."""
    key = keys.comment(comment_id)
    while True:
        with redis.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(key)  # type: ignore[no-untyped-call]
                record: dict[str, str] = pipe.hgetall(key)  # type: ignore[assignment]
                if not record:
                    return False, ""
                marks_spam = pipe.get(keys.known_spam(record.get("fingerprint", ""))) == comment_id
                pipe.multi()
                published = _delete_commands(pipe, record, withdraw)
                if marks_spam:  # the mark moderators left on this text
                    pipe.delete(keys.known_spam(record["fingerprint"]))
                pipe.execute()
                return published, record["article_id"]
            except WatchError:
                continue  # decided meanwhile: read it again


def _delete_commands(pipe: Any, record: dict[str, str], withdraw: int | None) -> bool:
    comment_id, article_id = record["id"], record["article_id"]
    pipe.delete(keys.comment(comment_id))
    for state in STATE_SETS:
        pipe.zrem(keys.state_set(state), comment_id)
    pipe.srem(keys.author_comments(record["email_hash"]), comment_id)
    # Its reader reports go with it (services/store/reports.py).
    pipe.zrem(keys.REPORTED, comment_id)
    pipe.delete(keys.reports(comment_id), keys.reporters(comment_id),
                keys.closed_reporters(comment_id), keys.report_notes(comment_id))  # fmt: skip
    if record["state"] != State.PENDING:
        pipe.hincrby(keys.author(record["email_hash"]), record["state"], -1)
    spread_member = f"{article_id}|{record['email_hash']}"
    # Indexed by one or the other (`spread_bands`): remove it from both.
    for band in [*bands(record.get("content", "")), f"exact:{record.get('fingerprint', '')}"]:
        pipe.zrem(keys.near_dup(band), spread_member)
    if trained := record.get("trained_as"):
        # Untaught: the filter keeps nothing of this comment (its tokens hold the name).
        learned = keys.LEARNED_SPAM if trained == "spam" else keys.LEARNED_HAM
        untrain = {"label": trained, "tokens": tokens_of(record)}
        pipe.eval(UNTRAIN, 2, learned, keys.LEARNED_TOTALS, json.dumps(untrain))
    published = record["state"] == State.PUBLISHED
    if published:
        pipe.zrem(keys.published(article_id), comment_id)
        pipe.incr(keys.article_version(article_id))
        if withdraw is not None:
            event = {"type": "comment.removed", "occurred_at": now_iso(),
                     "article_id": article_id, "comment_id": comment_id}  # fmt: skip
            pipe.xadd(keys.EVENTS, {"type": "comment.removed", "article_id": article_id,
                                    "comment_id": comment_id,
                                    "data": json.dumps({**event, "state": "removed"})},
                      maxlen=EVENTS_MAXLEN, approximate=True)  # fmt: skip
            pipe.xadd(keys.article_events(article_id),
                      {"type": "comment.removed", "data": json.dumps(event)},
                      maxlen=ARTICLE_EVENTS_MAXLEN, approximate=True)  # fmt: skip
            if withdraw > 0:
                pipe.expire(keys.article_events(article_id), withdraw)
    return published


def _delete_events(redis: Redis, stream: str, matches: Any) -> int:
    """XDEL the entries of `stream` for which `matches(fields)` holds; return how many."""
    doomed: list[str] = []
    start = "-"
    while entries := redis.xrange(stream, min=start, max="+", count=STREAM_PAGE):
        for entry_id, fields in entries:
            if matches(fields):
                doomed.append(str(entry_id))
        start = "(" + str(entries[-1][0])
    for chunk in _chunks(doomed, STREAM_PAGE):
        redis.xdel(stream, *chunk)
    return len(doomed)


def _event_comment(fields: dict[str, str]) -> str:
    try:
        return str(json.loads(fields.get("data", "{}")).get("comment_id", ""))
    except ValueError:
        return ""


def _audit(redis: Redis, entry: dict[str, Any]) -> None:
    redis.xadd(keys.AUDIT, {"data": json.dumps({"at": now_iso(), **entry})},
               maxlen=AUDIT_MAXLEN, approximate=True)  # fmt: skip


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
