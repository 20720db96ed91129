"""An article's published comments: a page at a time in publication order (oldest or newest
first), as threads (services/api/thread_pages.py), and their count; all cacheable, with an
ETag that changes exactly when the published set does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web
from redis.asyncio import Redis

from services.api.comments import article_id_of
from services.api.state import PAGES, REDIS, VERSIONS
from services.api.thread_pages import TREE_LIMIT, published_records, tree_page
from services.core.comment import public_view
from services.core.errors import FieldError, InvalidQuery
from services.store import keys

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
CACHE_CONTROL = "public, max-age=5, s-maxage=5, stale-while-revalidate=30"
"""Fresh for 5 s, then served stale for 30 s while revalidated with the ETag: a CDN in front
of thousands of readers asks once per article every few seconds, and answers 304s cheaply."""


async def list_published(request: web.Request) -> web.StreamResponse:
    article_id = article_id_of(request)
    page = _page(request)
    redis = request.app[REDIS]
    # The version first: the page read after it is at least as new as its ETag says.
    version = await request.app[VERSIONS].read(article_id)
    etag = f'"{version}-{page.view}-{page.order}-{page.limit}-{page.after}"'
    if not_modified(request, etag):
        return cached(web.Response(status=304), etag)

    async def build() -> bytes:
        return orjson.dumps(await _body(redis, article_id, page))

    body = await request.app[PAGES].page((article_id, page), version, build)
    return cached(web.Response(body=body, content_type="application/json"), etag)


async def _body(redis: Redis, article_id: str, page: Page) -> dict[str, Any]:
    if page.view == "tree":
        return await tree_page(redis, article_id, page.order == "newest", page.after, page.limit)
    comments, more = await _read(redis, article_id, page.after, page.limit, page.order)
    next_cursor = str(comments[-1][0]) if more and comments else None
    base = f"/v1/articles/{article_id}/comments?limit={page.limit}"
    if page.order == "newest":
        base += "&order=newest"
    return {
        "article_id": article_id,
        "comments": [public for _, public in comments],
        "next_cursor": next_cursor,
        "links": {
            "self": base + (f"&cursor={page.after}" if page.after else ""),
            "next": f"{base}&cursor={next_cursor}" if next_cursor else None,
        },
    }


async def count_published(request: web.Request) -> web.StreamResponse:
    article_id = article_id_of(request)
    redis = request.app[REDIS]
    version = await request.app[VERSIONS].read(article_id)
    etag = f'"{version}-count"'
    if not_modified(request, etag):
        return cached(web.Response(status=304), etag)

    async def build() -> bytes:
        count = await redis.zcard(keys.published(article_id))
        return orjson.dumps({"article_id": article_id, "count": count})

    body = await request.app[PAGES].page((article_id, "count"), version, build)
    return cached(web.Response(body=body, content_type="application/json"), etag)


async def _read(
    redis: Redis, article_id: str, after: int, limit: int, order: str = "oldest"
) -> tuple[list[tuple[int, dict[str, Any]]], bool]:
    """Up to `limit` published comments after publication number `after` (before it, newest
    first, for `newest`; 0: from the start), with their numbers, and whether more follow."""
    key = keys.published(article_id)
    if order == "newest":
        ids: list[tuple[str, float]] = await redis.zrevrangebyscore(  # type: ignore[assignment]
            key, f"({after}" if after else "+inf", "-inf", start=0, num=limit + 1,
            withscores=True,
        )  # fmt: skip
    else:
        ids = await redis.zrange(  # type: ignore[assignment]
            key, f"({after}", "+inf", byscore=True, offset=0, num=limit + 1, withscores=True
        )
    page = ids[:limit]
    records = await published_records(redis, [comment_id for comment_id, _ in page])
    comments = [
        (int(number), public_view(record))
        for (_, number), record in zip(page, records, strict=True)
        if record is not None
    ]
    return comments, len(ids) > limit


def not_modified(request: web.Request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in tags or "*" in tags


def cached(response: web.StreamResponse, etag: str) -> web.StreamResponse:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@dataclass(frozen=True)
class Page:
    view: str
    order: str
    limit: int
    after: int
    """The cursor: a publication number (of a top-level comment in the tree); 0, the start."""


def _page(request: web.Request) -> Page:
    errors = []
    query = request.query
    view, order, limit, after = query.get("view", "flat"), query.get("order", "oldest"), 0, 0
    if view not in {"flat", "tree"}:
        errors.append(FieldError("view", "must be flat or tree"))
    if order not in {"oldest", "newest"}:
        errors.append(FieldError("order", "must be oldest or newest"))
    # A tree page is whole threads, up to TREE_LIMIT comments unless asked for fewer.
    most, default = (TREE_LIMIT, TREE_LIMIT) if view == "tree" else (MAX_LIMIT, DEFAULT_LIMIT)
    raw_limit = query.get("limit", str(default))
    digits = raw_limit.isascii() and raw_limit.isdigit() and len(raw_limit) <= 9
    if digits and 1 <= int(raw_limit) <= most:
        limit = int(raw_limit)
    else:
        errors.append(FieldError("limit", f"must be a whole number from 1 to {most}"))
    raw_cursor = query.get("cursor", "0")
    if raw_cursor.isascii() and raw_cursor.isdigit() and len(raw_cursor) <= 18:
        after = int(raw_cursor)
    else:
        errors.append(FieldError("cursor", "must be a next_cursor this API gave"))
    if errors:
        raise InvalidQuery("The query string is not valid.", errors=errors)
    return Page(view, order, limit, after)
