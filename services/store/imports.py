"""Comments brought in from another system (services/core/imported.py reads the files).

Each comment is validated as a submission would be, stored with the record and the index
entry that makes the import idempotent (`keys.imported`: the source's id -> ours) in one
transaction, then either moved to the state the source had decided through the transition
script (as a moderator's decision would be, without events: an archive is not news) and
learned from, or queued for moderation like a new submission (`moderate`). A reply whose
parent is further on in the file waits for it; one whose parent never comes is kept as a
top-level comment.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer
from ulid import ULID

from services.core.comment import State, new_record, now_iso
from services.core.decisions import tokens_of
from services.core.errors import Problem
from services.core.ids import id_time_ms
from services.core.imported import Imported
from services.core.moderation import published_fields
from services.core.settings import Settings
from services.core.submission import parse
from services.core.transition import Transition
from services.store import jobs, keys, queues
from services.store.transitions import (
    AUDIT_MAXLEN,
    TRANSITION,
    outcome,
    transition_args,
    transition_keys,
)


@dataclass
class ImportSummary:
    imported: Counter[str] = field(default_factory=Counter)
    """By state: what was stored (or `pending`, queued for moderation)."""
    already: int = 0
    """Imported by an earlier run: skipped."""
    skipped: Counter[str] = field(default_factory=Counter)
    """By reason."""
    orphans: int = 0
    """Replies whose parent is not in the file, kept as top-level comments."""

    def line(self) -> str:
        done = ", ".join(f"{n} {state}" for state, n in sorted(self.imported.items())) or "none"
        skipped = "; ".join(f"{n} {why}" for why, n in self.skipped.most_common()) or "none"
        return (
            f"imported {sum(self.imported.values())} ({done}), {self.already} already imported, "
            f"{self.orphans} replies kept as top-level (their parent is not in the file); "
            f"skipped {sum(self.skipped.values())}: {skipped}"
        )


class Importer:
    def __init__(
        self, redis: Redis, settings: Settings, source: str, moderate: bool = False
    ) -> None:
        self.redis, self.settings, self.moderate = redis, settings, moderate
        self.index = keys.imported(source)
        self.summary = ImportSummary()
        self._transition = redis.register_script(TRANSITION)
        self._queue = Queue(queues.MODERATION, connection=redis, serializer=JSONSerializer)
        self._waiting: dict[str, list[Imported]] = defaultdict(list)

    def run(
        self, comments: Iterable[Imported], progress: Callable[[], None] = lambda: None
    ) -> None:
        for comment in comments:
            self._one(comment)
            progress()
        while self._waiting:  # their parents never came (or were refused): top-level
            _, replies = self._waiting.popitem()
            for reply in replies:
                self.summary.orphans += 1
                self._store(reply, parent_id="")

    def _one(self, comment: Imported) -> None:
        if comment.state is None:
            self.summary.skipped["not a kept comment (deleted, binned, pingback)"] += 1
        elif not comment.article_id:
            self.summary.skipped["no article id this service accepts"] += 1
        elif not comment.source_id:
            self.summary.skipped["no id in the source"] += 1
        elif self.redis.hexists(self.index, comment.source_id):
            self.summary.already += 1
        elif comment.parent_source_id and not (
            parent := self.redis.hget(self.index, comment.parent_source_id)
        ):
            self._waiting[comment.parent_source_id].append(comment)
        else:
            self._store(comment, str(parent) if comment.parent_source_id else "")

    def _store(self, comment: Imported, parent_id: str) -> None:
        """Store `comment`, then the replies that waited for it, theirs, and so on, in the
        file's order (a loop, not recursion: a thread can be thousands deep)."""
        todo = [(comment, parent_id)]
        while todo:
            comment, parent_id = todo.pop()
            if stored := self._store_one(comment, parent_id):
                replies = self._waiting.pop(comment.source_id, [])
                todo += [(reply, stored) for reply in reversed(replies)]

    def _store_one(self, comment: Imported, parent_id: str) -> str:
        """Store one comment; return its id ('' when it is refused)."""
        try:
            submission = parse(
                {"author": {"name": comment.name or "Anonymous", "email": comment.email,
                            **({"url": comment.url} if comment.url else {})},
                 "content": comment.content, **({"parent_id": parent_id} if parent_id else {})}
            )  # fmt: skip
        except Problem as e:
            fields = ", ".join(sorted({error.pointer for error in e.errors})) or e.detail
            self.summary.skipped[f"refused as a submission would be ({fields})"] += 1
            return ""
        assert comment.state is not None
        created = comment.created_at
        comment_id = str(ULID.from_datetime(created))
        record = new_record(
            comment_id, comment.article_id, submission, self.settings.secret, now_iso(created)
        )
        record["imported_from"] = comment.source_id
        spec = queues.moderation_job(
            comment_id, self.settings.job_timeout, self.settings.job_retry_intervals
        )
        if self.moderate:
            record["job_id"] = spec.job_id
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(keys.comment(comment_id), mapping=record)  # type: ignore[arg-type]
        pipe.zadd(keys.state_set(State.PENDING), {comment_id: id_time_ms(comment_id)})
        pipe.sadd(keys.author_comments(record["email_hash"]), comment_id)
        pipe.hset(self.index, comment.source_id, comment_id)
        pipe.execute()
        if self.moderate:
            jobs.enqueue(self._queue, spec)
            self.summary.imported[State.PENDING.value] += 1
        else:
            self._decide(record, comment.state)
        return comment_id

    def _decide(self, record: dict[str, str], state: State) -> None:
        """The source's decision, applied as a moderator's would be: the comment published
        (masked as any) or not, and the filter taught which it was."""
        at = record["created_at"]
        learn = {State.PUBLISHED: "ham", State.SPAM: "spam"}.get(state, "")
        reason = {"check": "import", "action": state.value,
                  "detail": f"imported as {state.value}: the source's decision"}  # fmt: skip
        transition = Transition(
            record=record,
            expected=State.PENDING,
            new_state=state,
            now_iso=at,
            now_ms=id_time_ms(record["id"]),
            verdict={"state": state.value, "spam_score": None, "reasons": [reason]},
            published=published_fields(record) if state == State.PUBLISHED else {},
            learn_as=learn,
            tokens=tokens_of(record) if learn else (),
            fields={"decided_by": "import"},
            quiet=True,
        )
        reply = self._transition(keys=transition_keys(transition), args=transition_args(transition))
        if outcome(reply).applied:
            self.summary.imported[state.value] += 1


def import_audit(redis: Redis, source: str, summary: ImportSummary, actor: str) -> None:
    """One audit entry for the whole run (not one per comment: an archive can be large)."""
    entry = {"at": now_iso(), "action": "import", "actor": actor, "source": source,
             "imported": dict(summary.imported), "already": summary.already,
             "skipped": sum(summary.skipped.values())}  # fmt: skip
    redis.xadd(keys.AUDIT, {"data": json.dumps(entry)}, maxlen=AUDIT_MAXLEN, approximate=True)
