"""The aiohttp application factory: no side effects until the app starts."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from services.api import streams
from services.api.batched_reads import article_records, article_versions
from services.api.bodies import MAX_DOCUMENT_BYTES
from services.api.cors import allow_origin, preflight
from services.api.feeds import Feeds
from services.api.page_cache import PageCache
from services.api.problems import problems
from services.api.requests import request_ids
from services.api.routes import setup_routes
from services.api.site_rules import SITE_RULES, SiteRules
from services.api.state import (
    ARTICLES,
    FEEDS,
    PAGES,
    QUEUE,
    REDIS,
    SETTINGS,
    TRANSITION,
    VERSIONS,
    WEBHOOK_QUEUE,
    WRITER,
)
from services.core import logs
from services.core.settings import Settings
from services.store import queues
from services.store.buffered_jobs import ModerationJobs, job_queue, moderation_queue, parse_version
from services.store.redis_config import config_warnings, supports_waitaof
from services.store.transitions import TRANSITION as TRANSITION_SCRIPT
from services.store.writer import BatchWriter, Durability

log = logs.get(__name__)

REQUEST_CONNECTIONS = 100
"""Redis connections one API process's requests share (redis-py's default)."""


def create_app(settings: Settings) -> web.Application:
    app = web.Application(
        client_max_size=max(settings.max_body_bytes, MAX_DOCUMENT_BYTES),
        middlewares=[request_ids, problems, preflight],
    )
    app[SETTINGS] = settings
    app[PAGES] = PageCache(settings.page_cache_mb * 1024 * 1024)
    app[SITE_RULES] = SiteRules()  # the rules' defaults for the intake (article closing)
    app.cleanup_ctx.append(_redis)
    app.on_response_prepare.append(allow_origin)
    streams.setup(app)
    setup_routes(app)
    return app


async def _redis(app: web.Application) -> AsyncIterator[None]:
    # Requests only: live feeds read on connections of their own (services/api/feeds.py). A
    # burst waits a moment for a connection rather than failing; past that, a quick 503.
    pool = BlockingConnectionPool.from_url(
        app[SETTINGS].redis_url,
        max_connections=REQUEST_CONNECTIONS,
        timeout=2,
        decode_responses=True,
        socket_connect_timeout=2,
        socket_timeout=5,
        # A short blip (a restart, a failover) is retried; an outage is a quick 503.
        retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), retries=3),
    )
    redis = Redis.from_pool(pool)
    try:
        version = parse_version(await _first_answer(redis))
        await _warn_about_config(redis)
        app[REDIS] = redis
        app[QUEUE] = moderation_queue(version)
        app[WEBHOOK_QUEUE] = job_queue(queues.WEBHOOKS, version)
        jobs = ModerationJobs(app[QUEUE], app[SETTINGS])
        app[WRITER] = writer = BatchWriter(redis, _durability(app[SETTINGS], version), jobs)
        app[VERSIONS] = article_versions(redis)
        app[ARTICLES] = article_records(redis)
        app[TRANSITION] = redis.register_script(TRANSITION_SCRIPT)
        app[FEEDS] = feeds = Feeds(redis, app[SETTINGS])  # its own connections
        flusher = asyncio.create_task(writer.run(), name="batch-writer")
        yield
        await feeds.close()
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


async def _warn_about_config(redis: Redis) -> None:
    try:
        config: dict[str, str] = await redis.config_get("appendonly")  # type: ignore[assignment]
        config.update(await redis.config_get("maxmemory-policy"))  # type: ignore[arg-type]
    except RedisError as e:
        log.warning("redis.config_unreadable", detail=f"cannot check Redis's settings: {e}")
        return
    for warning in config_warnings(config):
        log.warning("redis.config", detail=warning)


def _durability(settings: Settings, version: tuple[int, int, int]) -> Durability | None:
    if settings.durability == "none":
        return None
    if not supports_waitaof(version):
        log.warning(
            "redis.no_waitaof",
            detail=f"COMMENTS_DURABILITY={settings.durability} needs WAITAOF (Redis 7.2+); "
            "this server has none, so 202 is answered without waiting for an fsync",
        )
        return None
    replicas = 1 if settings.durability == "replica" else 0
    return Durability(1, replicas, settings.durability_timeout_ms)
