"""Article records and trusted commenters in Redis (keys.article, keys.TRUSTED)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from services.core.article_settings import Article, CommentsClosed
from services.core.comment import now_iso
from services.store import keys
from services.store.scripts import source
from services.store.transitions import AUDIT_MAXLEN

PUT = source("stored_articles_put.lua")


@dataclass(frozen=True)
class Stored:
    created: bool
    changed: bool
    """Whether the comment settings changed (and the change was audited)."""
    before: dict[str, str]
    after: dict[str, str]


async def read_article(redis: Redis, article_id: str) -> tuple[Article | None, int]:
    """The article's record (None if the service never heard of it) and how many of its
    comments are published."""
    async with redis.pipeline(transaction=False) as pipe:
        pipe.hgetall(keys.article(article_id))
        pipe.zcard(keys.published(article_id))
        stored, count = await pipe.execute()
    return (Article.from_stored(article_id, stored) if stored else None), int(count)


def ensure_open(article_id: str, stored: dict[str, str], default_days: int | None) -> None:
    """Refuse a comment to an article whose comments are closed, before anything is written.
    `stored` is its record ({}: new to the service, open with the defaults; its first comment
    creates it)."""
    if not stored:
        return
    article = Article.from_stored(article_id, stored)
    if article.is_closed(default_days, datetime.now(UTC)):
        raise CommentsClosed(f"Comments on article {article_id} are closed.")


async def put_article(
    redis: Redis, article: Article, created_at: str, audit: dict[str, Any]
) -> Stored:
    """Store `article` whole; `audit` (with the settings before and after) joins the audit
    log in the same step if its comment settings changed."""
    named = {
        "fields": article.stored_fields(),
        "created_at": created_at,
        "audit": json.dumps(audit),
        "audit_maxlen": AUDIT_MAXLEN,
    }
    raw = await redis.eval(PUT, 2, keys.article(article.article_id), keys.AUDIT, json.dumps(named))
    result = json.loads(raw)
    return Stored(bool(result["created"]), bool(result["changed"]), result["from"], result["to"])


async def trust(redis: Redis, author_hash: str, entry: dict[str, Any]) -> None:
    """Mark the author trusted, with the audit entry, in one step."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hset(keys.TRUSTED, author_hash, json.dumps(entry))
        pipe.xadd(keys.AUDIT, {"data": json.dumps(_audit("trust", entry))}, maxlen=AUDIT_MAXLEN)
        await pipe.execute()


async def untrust(redis: Redis, author_hash: str, by: str) -> bool:
    """Take the mark away (audited); False when the author was not trusted."""
    if not await redis.hdel(keys.TRUSTED, author_hash):
        return False
    entry = _audit("untrust", {"hash": author_hash, "by": by, "at": now_iso()})
    await redis.xadd(keys.AUDIT, {"data": json.dumps(entry)}, maxlen=AUDIT_MAXLEN)
    return True


async def trusted(redis: Redis) -> list[dict[str, Any]]:
    """Every trusted author, most recently trusted first."""
    found: dict[str, str] = await redis.hgetall(keys.TRUSTED)  # type: ignore[assignment]
    return sorted((json.loads(v) for v in found.values()), key=lambda t: t["at"], reverse=True)


def _audit(action: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "at": entry.get("at", ""),
        "actor": entry["by"],
        "action": action,
        "scope": "author",
        "hash": entry["hash"],
        "reason": entry.get("reason", ""),
        "comment_id": entry.get("comment_id"),
    }
