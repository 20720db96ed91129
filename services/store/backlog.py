"""The service's backlog as Redis holds it: jobs per queue and registry, comments per state,
the oldest pending comment, workers per queue. One pipeline round trip, run by the API's
`/metrics` (async) and by `comments status` (sync) alike."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from rq import Queue
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from rq.worker_registration import WORKERS_BY_QUEUE_KEY

from services.core.comment import State
from services.store import keys, queues

QUEUES = (queues.MODERATION, queues.WEBHOOKS)
STATES = (State.PENDING, State.HELD, State.SPAM, State.REJECTED, State.REMOVED)
"""The states kept in one set each (published comments are kept per article)."""
REGISTRIES = {
    "queued": Queue.redis_queue_namespace_prefix + "{0}",
    "started": StartedJobRegistry.key_template,
    "scheduled": ScheduledJobRegistry.key_template,
    "failed": FailedJobRegistry.key_template,
}


@dataclass
class Backlog:
    jobs: dict[str, dict[str, int]] = field(default_factory=dict)
    """queue -> registry (queued, started, scheduled, failed) -> jobs"""
    workers: dict[str, int] = field(default_factory=dict)
    """queue -> workers listening to it"""
    comments: dict[str, int] = field(default_factory=dict)
    """state -> comments in it (not published: those are counted per article)"""
    oldest_pending_s: float = 0.0
    """Age of the oldest comment still waiting for its verdict; 0 when none waits."""


def add_commands(pipe: Any) -> None:
    """Queue the reads on `pipe` (a redis or redis.asyncio pipeline); `parse` their results."""
    for name in QUEUES:
        pipe.llen(REGISTRIES["queued"].format(name))
        for registry in ("started", "scheduled", "failed"):
            pipe.zcard(REGISTRIES[registry].format(name))
        pipe.scard(WORKERS_BY_QUEUE_KEY % name)
    for state in STATES:
        pipe.zcard(keys.state_set(state))
    pipe.zrange(keys.state_set(State.PENDING), 0, 0, withscores=True)


def parse(results: list[Any], now: float | None = None) -> Backlog:
    backlog = Backlog()
    found = iter(results)
    for name in QUEUES:
        backlog.jobs[name] = {
            r: int(next(found)) for r in ("queued", "started", "scheduled", "failed")
        }
        backlog.workers[name] = int(next(found))
    for state in STATES:
        backlog.comments[state.value] = int(next(found))
    oldest = next(found)
    if oldest:
        now_ms = (time.time() if now is None else now) * 1000
        backlog.oldest_pending_s = max(0.0, (now_ms - float(oldest[0][1])) / 1000)
    return backlog
