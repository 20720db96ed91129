"""`GET /v1/counts?article_id=a&article_id=b`: the published counts of up to 100 articles in
one request, for a front page showing a count under every headline. Cacheable as the lists
are: its ETag changes exactly when one of the articles' published sets does."""

from __future__ import annotations

import asyncio
import hashlib
import re

from aiohttp import web

from services.api.articles import cached, not_modified
from services.api.state import REDIS, VERSIONS
from services.core.errors import FieldError, InvalidRequest
from services.core.schemas import schemas
from services.store import keys

MAX_ARTICLES = 100
ARTICLE_ID = re.compile(schemas()["article-id.schema.json"]["pattern"])


async def counts(request: web.Request) -> web.StreamResponse:
    article_ids = _article_ids(request)
    redis = request.app[REDIS]
    # Read as the lists read theirs: one MGET with every other request of this turn.
    versions = await asyncio.gather(*(request.app[VERSIONS].read(a) for a in article_ids))
    # The versions first: the counts read after them are at least as new as the ETag says.
    asked = "\n".join(f"{a}={v or 0}" for a, v in zip(article_ids, versions, strict=True))
    etag = f'"counts-{hashlib.sha256(asked.encode()).hexdigest()[:32]}"'
    if not_modified(request, etag):
        return cached(web.Response(status=304), etag)
    async with redis.pipeline(transaction=False) as pipe:
        for article_id in article_ids:
            pipe.zcard(keys.published(article_id))
        found = await pipe.execute()
    body = {"counts": dict(zip(article_ids, (int(n) for n in found), strict=True))}
    return cached(web.json_response(body), etag)


def _article_ids(request: web.Request) -> list[str]:
    """The ids asked for, each once, in the order given; 422 naming what is wrong."""
    given = request.query.getall("article_id", [])
    errors = [
        FieldError("article_id", f"{article_id[:140]!r} is not an article id")
        for article_id in given
        if not ARTICLE_ID.fullmatch(article_id)
    ]
    article_ids = list(dict.fromkeys(given))
    if not given:
        errors.append(FieldError("article_id", "name at least one article"))
    if len(article_ids) > MAX_ARTICLES:
        errors.append(
            FieldError("article_id", f"at most {MAX_ARTICLES} articles, not {len(article_ids)}")
        )
    if errors:
        raise InvalidRequest("The articles to count are not valid.", errors=errors[:10])
    return article_ids
