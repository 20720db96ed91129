"""Typed keys for what the application holds while it runs."""

from aiohttp import web
from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from rq import Queue

from services.api.batched_reads import BatchedReads
from services.api.feeds import Feeds
from services.api.page_cache import PageCache
from services.core.settings import Settings
from services.store.writer import BatchWriter

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey("redis", Redis)
QUEUE = web.AppKey("queue", Queue)
WEBHOOK_QUEUE = web.AppKey("webhook_queue", Queue)
WRITER = web.AppKey("writer", BatchWriter)
FEEDS = web.AppKey("feeds", Feeds)
"""The live article feeds of this process (services/api/feeds.py)."""
PAGES = web.AppKey("pages", PageCache)
"""Published pages serialised once per article version (services/api/page_cache.py)."""
VERSIONS = web.AppKey("versions", BatchedReads[str])
"""Article versions for the reads, one MGET per turn of the loop (services/api/batched_reads.py)."""
ARTICLES = web.AppKey("articles", BatchedReads[dict[str, str]])
"""Article records for the intake (is it closed?), read the same way."""
TRANSITION = web.AppKey("transition", AsyncScript)
"""The compare-and-set transition script (services/store/transitions.py)."""
