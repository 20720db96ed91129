"""`PUT/GET /v1/articles/{id}`: an article's record and comment settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from aiohttp import web

from services.api.auth import IDENTITY, Identity, requires
from services.api.bodies import json_body
from services.api.comments import article_id_of
from services.api.state import REDIS, SETTINGS
from services.core.access import Role
from services.core.article_settings import Article
from services.core.comment import now_iso
from services.core.errors import NotFound
from services.core.rules import Rules
from services.store import keys
from services.store.stored_articles import put_article, read_article
from services.store.stored_rules import parse_stored


@requires(Role.SITE)
async def read(request: web.Request) -> web.Response:
    article_id = article_id_of(request)
    redis = request.app[REDIS]
    article, count = await read_article(redis, article_id)
    if article is None:
        raise NotFound(f"There is no article {article_id}: no comment and no PUT named it.")
    return web.json_response(article.view(await _rules(request), datetime.now(UTC), count))


@requires(Role.SITE)
async def put(request: web.Request) -> web.Response:
    """Replace the article's record; a change to its comment settings is audited."""
    article_id = article_id_of(request)
    body = await json_body(request, "article.schema.json")
    identity: Identity = request[IDENTITY]
    now = now_iso()
    article = replace(Article.from_body(article_id, body), updated_at=now, updated_by=identity.name)
    audit = {"at": now, "actor": identity.name, "role": identity.role.value,
             "article_id": article_id}  # fmt: skip
    redis = request.app[REDIS]
    stored = await put_article(redis, article, now, audit)
    fresh, count = await read_article(redis, article_id)
    assert fresh is not None
    view = fresh.view(await _rules(request), datetime.now(UTC), count)
    return web.json_response(view, status=201 if stored.created else 200)


async def _rules(request: web.Request) -> Rules:
    raw = await request.app[REDIS].get(keys.RULES)
    return parse_stored(str(raw) if raw else None, request.app[SETTINGS].rules).rules
