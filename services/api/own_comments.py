"""The reader's own comment: `PATCH /v1/comments/{id}` edits it within the edit window and has
it judged again; `DELETE /v1/comments/{id}` removes it at any time. Both take the edit token
the `202` gave, in an `Edit-Token` header (services/core/own_comment.py)."""

from __future__ import annotations

import math
import time
from typing import Any

from aiohttp import web

from services.api.bodies import json_body
from services.api.http_metrics import RATE_LIMITED
from services.api.state import SETTINGS, TRANSITION, WRITER
from services.api.stored import stored
from services.core.comment import State, self_link
from services.core.errors import (
    FieldError,
    Forbidden,
    InvalidRequest,
    StateConflict,
    TooManyRequests,
)
from services.core.ids import id_time_ms
from services.core.own_comment import (
    EDITABLE,
    GONE,
    HEADER,
    EditWindowClosed,
    delete_transition,
    edit_transition,
    token_matches,
)
from services.core.transition import Transition
from services.store import keys
from services.store.transitions import outcome, transition_args, transition_keys
from services.store.writer import Limit

ATTEMPTS = 3
"""A deletion racing the comment's own verdict tries again with the state it finds."""


async def edit(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    record = await _own(request)
    content = _content(await json_body(request, "reader-edit.schema.json"))
    age_ms = int(time.time() * 1000) - id_time_ms(record["id"])
    if age_ms > settings.edit_window_s * 1000:
        raise EditWindowClosed(
            f"A comment can be edited for {settings.edit_window_s} s after it was posted; "
            "this one can still be deleted."
        )
    if State(record["state"]) not in EDITABLE:
        raise StateConflict(f"The comment is {record['state']}; it can no longer be edited.")
    await _within_author_limit(request, record)
    transition = edit_transition(
        record, content, int(time.time() * 1000), settings.article_events_ttl_s
    )
    if not await _apply(request, transition):
        raise StateConflict("The comment changed meanwhile; read it and try again.")
    # Judged again through the same path as a new submission: it joins the open batch job.
    await request.app[WRITER].apply([], comment_id=record["id"])
    body: dict[str, Any] = {
        "id": record["id"],
        "article_id": record["article_id"],
        "status": State.PENDING.value,
        "links": {"self": self_link(record["id"])},
    }
    return web.json_response(body, status=202, headers={"Location": self_link(record["id"])})


async def delete(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    record = await _own(request)
    for _ in range(ATTEMPTS):
        if State(record["state"]) in GONE:
            return web.Response(status=204)
        transition = delete_transition(
            record, int(time.time() * 1000), settings.article_events_ttl_s
        )
        if await _apply(request, transition):
            return web.Response(status=204)
        record = await _own(request)  # judged meanwhile: remove it from where it is now
    raise StateConflict("The comment keeps changing; try again.")


async def _own(request: web.Request) -> dict[str, str]:
    """The comment, if the request carries its edit token; 403 otherwise (404 if none)."""
    record = await stored(request, keys.comment, request.match_info["comment_id"], "comment")
    if not token_matches(request.app[SETTINGS].secret, record, request.headers.get(HEADER)):
        raise Forbidden(
            f"Editing or deleting a comment needs the {HEADER} header with the edit token "
            "its submission was answered with."
        )
    return record


def _content(document: dict[str, Any]) -> str:
    content = str(document["content"]).strip()
    try:
        content.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRequest(
            "The content holds text that is not valid Unicode.",
            errors=[FieldError("/content", "must be valid Unicode")],
        ) from None
    if not content:
        raise InvalidRequest(
            "The content is empty.", errors=[FieldError("/content", "must not be empty")]
        )
    return content


async def _within_author_limit(request: web.Request, record: dict[str, str]) -> None:
    """An edit is judged as a new comment is, so it counts against the author's flood limit."""
    settings = request.app[SETTINGS]
    if not settings.rate_limits:
        return
    limit = settings.flood_author
    now_ms = int(time.time() * 1000)
    guard = Limit(
        keys.flood("author", record["email_hash"]), limit.count, limit.seconds * 1000, now_ms,
        f"edit:{record['id']}:{now_ms}", "author",
    )  # fmt: skip
    refused = await request.app[WRITER].apply([], [guard])
    if refused is not None:
        RATE_LIMITED.labels("author").inc()
        raise TooManyRequests(
            "Too many comments and edits in a short time; wait before editing.",
            retry_after_s=math.ceil(refused.retry_after_ms / 1000),
        )


async def _apply(request: web.Request, transition: Transition) -> bool:
    reply = await request.app[TRANSITION](
        keys=transition_keys(transition), args=transition_args(transition)
    )
    return outcome(reply).applied
