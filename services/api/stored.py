"""Reading one stored record by the id in a URL, or answering 404."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from services.api.state import REDIS
from services.core.errors import NotFound
from services.core.ids import is_comment_id


async def stored(
    request: web.Request, key: Callable[[str], str], ident: str, what: str
) -> dict[str, str]:
    """The hash at `key(ident)`. NotFound when `ident` is not an id this service issues (a
    ULID: nothing else is looked up) or nothing is stored there."""
    record: dict[str, str] = {}
    if is_comment_id(ident):
        record = await request.app[REDIS].hgetall(key(ident))  # type: ignore[assignment]
    if not record:
        raise NotFound(f"There is no {what} {ident}.")
    return record
