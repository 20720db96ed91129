"""Comment routes: submit a comment to an article, read a comment's status."""

from __future__ import annotations

import re

from aiohttp import web

from services.api.auth import identify
from services.api.intake import accept
from services.api.state import QUEUE, REDIS, SETTINGS, WRITER
from services.core import keys
from services.core.access import Role
from services.core.comment import self_link, status_view
from services.core.emails import keyed_hash
from services.core.errors import Forbidden, NotFound, Unauthorized, UnsupportedMediaType
from services.core.ids import is_comment_id
from services.core.schemas import schemas
from services.core.submission import decode_form, decode_json, parse

ARTICLE_ID = re.compile(schemas()["article-id.schema.json"]["pattern"])

DECODERS = {
    "application/json": decode_json,
    "application/x-www-form-urlencoded": decode_form,
}


async def submit(request: web.Request) -> web.Response:
    if request.app[SETTINGS].submit_requires_token:
        await _require_site_token(request)
    article_id = article_id_of(request)
    decode = DECODERS.get(request.content_type)
    if decode is None or (request.charset or "utf-8").lower() not in {"utf-8", "utf8"}:
        raise UnsupportedMediaType(
            f"Send the comment as application/json or application/x-www-form-urlencoded "
            f"in UTF-8, not {request.headers.get('Content-Type', 'no Content-Type')}."
        )
    submission = parse(decode(await request.read()))
    app = request.app
    settings = app[SETTINGS]
    client_hash = keyed_hash(settings.secret, f"client:{request.remote or ''}")
    comment_id = await accept(
        app[REDIS], app[WRITER], app[QUEUE], settings, article_id, submission, client_hash
    )
    link = self_link(comment_id)
    return web.json_response(
        {"id": comment_id, "article_id": article_id, "status": "pending", "links": {"self": link}},
        status=202,
        headers={"Location": link},
    )


async def read(request: web.Request) -> web.Response:
    comment_id = request.match_info["comment_id"]
    record: dict[str, str] = {}
    if is_comment_id(comment_id):
        record = await request.app[REDIS].hgetall(keys.comment(comment_id))  # type: ignore[assignment]
    if not record:
        raise NotFound(f"There is no comment {comment_id}.")
    return web.json_response(status_view(record))


async def _require_site_token(request: web.Request) -> None:
    identity = await identify(request)
    if identity is None:
        raise Unauthorized("Posting comments needs a site token here.")
    if not identity.role.covers(Role.SITE):
        raise Forbidden("Posting comments needs a site token.")


def article_id_of(request: web.Request) -> str:
    article_id = request.match_info["article_id"]
    if ARTICLE_ID.fullmatch(article_id) is None:
        raise NotFound(
            "Article ids are 1-128 characters of A-Z a-z 0-9 . _ : - "
            f"and {article_id[:140]!r} is not one."
        )
    return article_id
