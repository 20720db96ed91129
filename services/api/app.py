"""The aiohttp application factory: no side effects until the app starts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from services.api.cors import cors
from services.api.jobs import moderation_queue, parse_version
from services.api.problems import problems
from services.api.routes import setup_routes
from services.api.state import QUEUE, REDIS, SETTINGS, TRANSITION, WRITER
from services.api.writer import BatchWriter
from services.core.settings import Settings
from services.core.transitions import TRANSITION as TRANSITION_SCRIPT

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[problems, cors])
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_redis)
    setup_routes(app)
    return app


async def _redis(app: web.Application) -> AsyncIterator[None]:
    redis = Redis.from_url(
        app[SETTINGS].redis_url,
        decode_responses=True,
        socket_connect_timeout=2,
        socket_timeout=5,
        # A short blip (a restart, a failover) is retried; an outage is a quick 503.
        retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), retries=3),
    )
    try:
        version = parse_version(await _first_answer(redis))
        app[REDIS] = redis
        app[QUEUE] = moderation_queue(version)
        app[WRITER] = writer = BatchWriter(redis)
        app[TRANSITION] = redis.register_script(TRANSITION_SCRIPT)
        flusher = asyncio.create_task(writer.run(), name="batch-writer")
        yield
        flusher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await flusher
    finally:
        await redis.aclose()


async def _first_answer(redis: Redis, wait: float = 30.0) -> dict[str, Any]:
    """Redis's server info, waiting up to `wait` seconds: containers start together."""
    deadline = asyncio.get_running_loop().time() + wait
    while True:
        try:
            info: dict[str, Any] = await redis.info("server")
            return info
        except (RedisConnectionError, OSError):
            if asyncio.get_running_loop().time() > deadline:
                raise
            log.warning(
                "waiting for Redis at %s", redis.connection_pool.connection_kwargs.get("host")
            )
            await asyncio.sleep(1)
