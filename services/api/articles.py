"""An article's published comments: a page at a time in publication order, as threads, and
their count; all cacheable, with an ETag that changes exactly when the published set does."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from redis.asyncio import Redis

from services.api.comments import article_id_of
from services.api.state import REDIS
from services.core.comment import PUBLIC_FIELDS, State, public_view
from services.core.errors import FieldError, InvalidQuery
from services.core.threads import build_tree
from services.store import keys

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
TREE_LIMIT = 1000
CACHE_CONTROL = "public, max-age=5, s-maxage=5, stale-while-revalidate=30"
"""Fresh for 5 s, then served stale for 30 s while revalidated with the ETag: a CDN in front
of thousands of readers asks once per article every few seconds, and answers 304s cheaply."""


async def list_published(request: web.Request) -> web.StreamResponse:
    article_id = article_id_of(request)
    view, limit, after = _page(request)
    redis = request.app[REDIS]
    # The version first: the page read after it is at least as new as its ETag says.
    version = str(await redis.get(keys.article_version(article_id)) or "0")
    etag = f'"{version}-{view}-{limit}-{after}"'
    if _not_modified(request, etag):
        return _cached(web.Response(status=304), etag)
    if view == "tree":
        comments, more = await _read(redis, article_id, 0, TREE_LIMIT)
        body: dict[str, Any] = {
            "article_id": article_id,
            "view": "tree",
            "threads": build_tree([public for _, public in comments]),
            "truncated": more,
        }
        return _cached(web.json_response(body), etag)
    comments, more = await _read(redis, article_id, after, limit)
    next_cursor = str(comments[-1][0]) if more and comments else None
    base = f"/v1/articles/{article_id}/comments?limit={limit}"
    body = {
        "article_id": article_id,
        "comments": [public for _, public in comments],
        "next_cursor": next_cursor,
        "links": {
            "self": base + (f"&cursor={after}" if after else ""),
            "next": f"{base}&cursor={next_cursor}" if next_cursor else None,
        },
    }
    return _cached(web.json_response(body), etag)


async def count_published(request: web.Request) -> web.StreamResponse:
    article_id = article_id_of(request)
    redis = request.app[REDIS]
    version = str(await redis.get(keys.article_version(article_id)) or "0")
    etag = f'"{version}-count"'
    if _not_modified(request, etag):
        return _cached(web.Response(status=304), etag)
    count = await redis.zcard(keys.published(article_id))
    return _cached(web.json_response({"article_id": article_id, "count": count}), etag)


async def _read(
    redis: Redis, article_id: str, after: int, limit: int
) -> tuple[list[tuple[int, dict[str, Any]]], bool]:
    """Up to `limit` published comments after publication number `after`, with their
    numbers, and whether more follow."""
    ids: list[tuple[str, float]] = await redis.zrange(  # type: ignore[assignment]
        keys.published(article_id), f"({after}", "+inf", byscore=True, offset=0, num=limit + 1,
        withscores=True,
    )  # fmt: skip
    page = ids[:limit]
    comments: list[tuple[int, dict[str, Any]]] = []
    if page:
        async with redis.pipeline(transaction=False) as pipe:
            for comment_id, _ in page:
                pipe.hmget(keys.comment(comment_id), PUBLIC_FIELDS)
            rows = await pipe.execute()
        for (_, number), row in zip(page, rows, strict=True):
            record = dict(zip(PUBLIC_FIELDS, row, strict=True))
            if record["state"] == State.PUBLISHED:  # taken down between the two reads
                comments.append((int(number), public_view(record)))
    return comments, len(ids) > limit


def _not_modified(request: web.Request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in tags or "*" in tags


def _cached(response: web.StreamResponse, etag: str) -> web.StreamResponse:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def _page(request: web.Request) -> tuple[str, int, int]:
    errors = []
    view, limit, after = request.query.get("view", "flat"), DEFAULT_LIMIT, 0
    if view not in {"flat", "tree"}:
        errors.append(FieldError("view", "must be flat or tree"))
    raw_limit = request.query.get("limit", str(DEFAULT_LIMIT))
    digits = raw_limit.isascii() and raw_limit.isdigit() and len(raw_limit) <= 9
    if digits and 1 <= int(raw_limit) <= MAX_LIMIT:
        limit = int(raw_limit)
    else:
        errors.append(FieldError("limit", f"must be a whole number from 1 to {MAX_LIMIT}"))
    raw_cursor = request.query.get("cursor", "0")
    if raw_cursor.isascii() and raw_cursor.isdigit() and len(raw_cursor) <= 18:
        after = int(raw_cursor)
    else:
        errors.append(FieldError("cursor", "must be a next_cursor this API gave"))
    if errors:
        raise InvalidQuery("The query string is not valid.", errors=errors)
    return view, limit, after
