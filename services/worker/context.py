"""What a worker process holds for its jobs: settings, a Redis client, the scripts, and the
rules in force (looked up again every few seconds), made once."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property

from redis import Redis
from redis.commands.core import Script
from redis.exceptions import NoScriptError

from services.core.moderation import prepare
from services.core.rules import Rules
from services.core.settings import Settings
from services.core.transition import Transition
from services.store import keys
from services.store.batches import READ_BATCH
from services.store.stored_rules import StoredRules, parse_stored
from services.store.transitions import (
    TRANSITION,
    Outcome,
    outcome,
    transition_args,
    transition_keys,
)

RULES_TTL = 2.0
"""Seconds a worker keeps the rules before looking again: how soon a change takes effect."""


@dataclass
class WorkerContext:
    settings: Settings
    _rules: StoredRules | None = field(default=None, repr=False)
    _rules_read_at: float = 0.0

    @cached_property
    def redis(self) -> Redis:
        """Our own client, with text replies (RQ's connection speaks bytes)."""
        return Redis.from_url(self.settings.redis_url, decode_responses=True)

    @cached_property
    def transition(self) -> Script:
        return self.redis.register_script(TRANSITION)

    @cached_property
    def read_batch(self) -> Script:
        return self.redis.register_script(READ_BATCH)

    def apply_transitions(self, transitions: list[Transition], done: list[str]) -> list[Outcome]:
        """Run the transitions in one round trip (and delete the keys in `done` with them):
        EVALSHA, loading the script again only if Redis lost it (a restart)."""
        for attempt in range(2):
            pipe = self.redis.pipeline(transaction=False)
            for t in transitions:
                named = transition_keys(t)
                pipe.evalsha(self.transition.sha, len(named), *named, *transition_args(t))
            if done:
                pipe.delete(*done)
            try:
                results = pipe.execute()
                return [outcome(reply) for reply in results[: len(transitions)]]
            except NoScriptError:
                if attempt:
                    raise
                self.redis.script_load(TRANSITION)  # each transition is safe to run twice
        raise AssertionError("unreachable")

    def rules(self) -> Rules:
        now = time.monotonic()
        if self._rules is None or now - self._rules_read_at > RULES_TTL:
            self._rules = parse_stored(self.redis.get(keys.RULES), self.settings.rules)  # type: ignore[arg-type]
            self._rules_read_at = now
            prepare(self._rules.rules)  # build the matchers now, once
        return self._rules.rules


_context: WorkerContext | None = None


def configure(settings: Settings) -> WorkerContext:
    """Set up this process's context and load the word lists now, not on the first job."""
    global _context
    _context = WorkerContext(settings)
    prepare(settings.rules)
    return _context


def current() -> WorkerContext:
    """The process's context; built from the environment when the worker was not started by us."""
    return _context or configure(Settings.from_env())
