"""Comment routes: submit a comment to an article, read a comment's status."""

from __future__ import annotations

import hashlib
import re

from aiohttp import web

from services.api.auth import Identity, identify
from services.api.bodies import read_body
from services.api.classic_form import classic_form, error_page, see_other
from services.api.clients import client_address
from services.api.intake import Idempotency, Submitter, accept
from services.api.requests import COMMENT_ID, REQUEST_ID
from services.api.site_rules import SITE_RULES
from services.api.state import ARTICLES, REDIS, SETTINGS, WRITER
from services.api.stored import stored
from services.core.access import Role
from services.core.comment import status_view
from services.core.emails import keyed_hash
from services.core.errors import (
    FieldError,
    Forbidden,
    InvalidRequest,
    NotFound,
    Problem,
    Unauthorized,
    UnsupportedMediaType,
)
from services.core.schemas import schemas
from services.core.submission import decode_form, decode_json, parse
from services.store import keys

ARTICLE_ID = re.compile(schemas()["article-id.schema.json"]["pattern"])
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")

DECODERS = {
    "application/json": decode_json,
    "application/x-www-form-urlencoded": decode_form,
}


async def submit(request: web.Request) -> web.Response:
    app = request.app
    settings = app[SETTINGS]
    identity = await identify(request)
    if settings.submit_requires_token:
        _require_site_token(identity)
    article_id = article_id_of(request)
    decode = DECODERS.get(request.content_type)
    if decode is None or (request.charset or "utf-8").lower() not in {"utf-8", "utf8"}:
        raise UnsupportedMediaType(
            f"Send the comment as application/json or application/x-www-form-urlencoded "
            f"in UTF-8, not {request.headers.get('Content-Type', 'no Content-Type')}."
        )
    raw = await read_body(request, settings.max_body_bytes)
    # A browser's plain HTML form goes back to its page (303), refusals as a page too.
    form = classic_form(request, raw, settings.cors_origins)
    try:
        if form is not None:
            form.check()
        idempotency = _idempotency(request, article_id, raw, identity)
        submission = parse(decode(raw))
        address = client_address(request, settings.trusted_proxies)
        submitter = Submitter(
            client_hash=keyed_hash(settings.secret, f"client:{address}"),
            token_name=identity.name if identity else "",
            request_id=request[REQUEST_ID],
        )
        rules = await app[SITE_RULES].get(app[REDIS], settings.rules)
        article = await app[ARTICLES].read(article_id)
        accepted = await accept(
            app[REDIS], app[WRITER], settings, article_id, submission, submitter,
            idempotency, article, rules.close_after_days,
        )  # fmt: skip
    except Problem as problem:
        if form is None:
            raise
        return error_page(problem, form)
    request[COMMENT_ID] = accepted.comment_id  # in the request's access log line
    if form is not None:
        return see_other(form, accepted.comment_id)
    headers = {"Location": accepted.body["links"]["self"]}
    if accepted.replayed:
        headers["Idempotent-Replayed"] = "true"
    return web.json_response(accepted.body, status=202, headers=headers)


async def read(request: web.Request) -> web.Response:
    record = await stored(request, keys.comment, request.match_info["comment_id"], "comment")
    return web.json_response(status_view(record))


def _require_site_token(identity: Identity | None) -> None:
    if identity is None:
        raise Unauthorized("Posting comments needs a site token here.")
    if not identity.role.covers(Role.SITE):
        raise Forbidden("Posting comments needs a site token.")


def _idempotency(
    request: web.Request, article_id: str, body: bytes, identity: Identity | None
) -> Idempotency | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise InvalidRequest(
            "The Idempotency-Key header must be 1-255 printable ASCII characters.",
            errors=[FieldError("Idempotency-Key", "must be 1-255 printable ASCII characters")],
        )
    asked = hashlib.sha256(article_id.encode() + b"\0" + body).hexdigest()
    return Idempotency(
        key_hash=hashlib.sha256(key.encode()).hexdigest(),
        fingerprint=asked,
        scope=identity.name if identity else "public",
    )


def article_id_of(request: web.Request) -> str:
    article_id = request.match_info["article_id"]
    if ARTICLE_ID.fullmatch(article_id) is None:
        raise NotFound(
            "Article ids are 1-128 characters of A-Z a-z 0-9 . _ : - "
            f"and {article_id[:140]!r} is not one."
        )
    return article_id
