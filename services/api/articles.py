"""An article's published comments: a page at a time in publication order, and their count."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from services.api.comments import article_id_of
from services.api.state import REDIS
from services.core import keys
from services.core.comment import PUBLIC_FIELDS, State, public_view
from services.core.errors import FieldError, InvalidQuery

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


async def list_published(request: web.Request) -> web.Response:
    article_id = article_id_of(request)
    limit, after = _page(request)
    redis = request.app[REDIS]
    ids: list[tuple[str, float]] = await redis.zrange(  # type: ignore[assignment]
        keys.published(article_id), f"({after}", "+inf", byscore=True, offset=0, num=limit + 1,
        withscores=True,
    )  # fmt: skip
    page = ids[:limit]
    comments: list[dict[str, Any]] = []
    if page:
        async with redis.pipeline(transaction=False) as pipe:
            for comment_id, _score in page:
                pipe.hmget(keys.comment(comment_id), PUBLIC_FIELDS)
            rows = await pipe.execute()
        for row in rows:
            record = dict(zip(PUBLIC_FIELDS, row, strict=True))
            if record["state"] == State.PUBLISHED:  # removed between the two reads
                comments.append(public_view(record))
    next_cursor = str(int(page[-1][1])) if len(ids) > limit else None
    base = f"/v1/articles/{article_id}/comments?limit={limit}"
    return web.json_response(
        {
            "article_id": article_id,
            "comments": comments,
            "next_cursor": next_cursor,
            "links": {
                "self": base + (f"&cursor={after}" if after else ""),
                "next": f"{base}&cursor={next_cursor}" if next_cursor else None,
            },
        }
    )


async def count_published(request: web.Request) -> web.Response:
    article_id = article_id_of(request)
    count = await request.app[REDIS].zcard(keys.published(article_id))
    return web.json_response({"article_id": article_id, "count": count})


def _page(request: web.Request) -> tuple[int, int]:
    errors = []
    limit, after = DEFAULT_LIMIT, 0
    raw_limit = request.query.get("limit", str(DEFAULT_LIMIT))
    if raw_limit.isascii() and raw_limit.isdigit() and 1 <= int(raw_limit) <= MAX_LIMIT:
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
    return limit, after
