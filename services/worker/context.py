"""What a worker process holds for its jobs: settings and a Redis client, made once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from redis import Redis
from redis.commands.core import Script

from services.core.settings import Settings
from services.core.transitions import DECIDE


@dataclass
class WorkerContext:
    settings: Settings

    @cached_property
    def redis(self) -> Redis:
        """Our own client, with text replies (RQ's connection speaks bytes)."""
        return Redis.from_url(self.settings.redis_url, decode_responses=True)

    @cached_property
    def decide(self) -> Script:
        return self.redis.register_script(DECIDE)


_context: WorkerContext | None = None


def configure(settings: Settings) -> WorkerContext:
    global _context
    _context = WorkerContext(settings)
    return _context


def current() -> WorkerContext:
    """The process's context; built from the environment when the worker was not started by us."""
    return _context or configure(Settings.from_env())
