"""Trusted commenters: a moderator vouches for an author (by their email's keyed hash, or by
one of their comments); the workers then skip the holds that come from scores and from
pre-moderation for them (services/core/premoderation.py)."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from services.api.auth import IDENTITY, Identity, requires
from services.api.bodies import json_body
from services.api.state import REDIS
from services.api.stored import stored
from services.core.access import Role
from services.core.comment import now_iso
from services.core.errors import FieldError, InvalidRequest, NotFound
from services.store import keys
from services.store.stored_articles import trust, trusted, untrust

AUTHOR_HASH = re.compile(r"^[0-9a-f]{64}$")


@requires(Role.MODERATOR)
async def list_all(request: web.Request) -> web.Response:
    return web.json_response({"trusted": await trusted(request.app[REDIS])})


@requires(Role.MODERATOR)
async def put(request: web.Request) -> web.Response:
    """`PUT /v1/moderation/trusted/{author_hash}` `{"reason"?}`."""
    author_hash = _author_hash(request)
    entry = await _trust(request, author_hash, None)
    return web.json_response(entry)


@requires(Role.MODERATOR)
async def delete(request: web.Request) -> web.Response:
    author_hash = _author_hash(request)
    if not await untrust(request.app[REDIS], author_hash, request[IDENTITY].name):
        raise NotFound(f"The author {author_hash[:12]}... is not trusted.")
    return web.Response(status=204)


@requires(Role.MODERATOR)
async def trust_comment_author(request: web.Request) -> web.Response:
    """`POST /v1/moderation/comments/{id}/trust` `{"reason"?}`: trust that comment's author."""
    comment_id = request.match_info["comment_id"]
    record = await stored(request, keys.comment, comment_id, "comment")
    entry = await _trust(request, record["email_hash"], comment_id)
    return web.json_response(entry)


async def _trust(request: web.Request, author_hash: str, comment_id: str | None) -> dict[str, Any]:
    body = (
        await json_body(request, "article-trusted-author.schema.json")
        if request.can_read_body
        else {}
    )
    identity: Identity = request[IDENTITY]
    entry = {
        "hash": author_hash,
        "reason": body.get("reason", ""),
        "comment_id": comment_id,
        "by": identity.name,
        "at": now_iso(),
    }
    await trust(request.app[REDIS], author_hash, entry)
    return entry


def _author_hash(request: web.Request) -> str:
    author_hash = request.match_info["author_hash"]
    if not AUTHOR_HASH.fullmatch(author_hash):
        raise InvalidRequest(
            "That is not an author hash.",
            errors=[
                FieldError("author_hash", "must be an email_hash as the moderation API shows it")
            ],
        )
    return author_hash
