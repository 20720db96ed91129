"""What a worker process holds for its jobs: settings, a Redis client and the scripts, made once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from redis import Redis
from redis.commands.core import Script

from services.core.moderation import profanity_matcher
from services.core.rules import Rules
from services.core.settings import Settings
from services.core.transitions import TRANSITION


@dataclass
class WorkerContext:
    settings: Settings

    @cached_property
    def redis(self) -> Redis:
        """Our own client, with text replies (RQ's connection speaks bytes)."""
        return Redis.from_url(self.settings.redis_url, decode_responses=True)

    @cached_property
    def transition(self) -> Script:
        return self.redis.register_script(TRANSITION)

    def rules(self) -> Rules:
        return self.settings.rules


_context: WorkerContext | None = None


def configure(settings: Settings) -> WorkerContext:
    """Set up this process's context and load the word lists now, not on the first job."""
    global _context
    _context = WorkerContext(settings)
    profanity_matcher(settings.rules.profanity_allowlist)
    return _context


def current() -> WorkerContext:
    """The process's context; built from the environment when the worker was not started by us."""
    return _context or configure(Settings.from_env())
