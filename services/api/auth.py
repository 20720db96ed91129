"""Bearer tokens: who is calling, and whether their role may do what they ask.

Every check reads the token's record from Redis, so a revoked token stops working at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import wraps

from aiohttp import web

from services.api.state import REDIS
from services.core.access import Role, token_hash
from services.core.errors import Forbidden, Unauthorized
from services.store import keys

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Identity:
    name: str
    role: Role


IDENTITY = web.RequestKey("identity", Identity)
"""Where an authenticated request keeps its `Identity`."""


async def identify(request: web.Request) -> Identity | None:
    """The caller's identity from `Authorization: Bearer ...`, or None without one."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        return None
    # A token is ASCII (RFC 6750's b64token); other bytes arrive as undecodable text.
    if scheme.lower() != "bearer" or not token.strip() or not header.isascii():
        raise Unauthorized("Send the token as `Authorization: Bearer <token>`, in ASCII.")
    name, role = await request.app[REDIS].hmget(
        keys.access_token(token_hash(token.strip())), ["name", "role"]
    )
    if not name:
        raise Unauthorized("The token is not valid, or it was revoked.")
    return Identity(str(name), Role(str(role)))


def requires(role: Role) -> Callable[[Handler], Handler]:
    """Let the handler run only for a token whose role covers `role`: 401 without a valid
    token, 403 with one whose role is too weak."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def checked(request: web.Request) -> web.StreamResponse:
            identity = await identify(request)
            if identity is None:
                raise Unauthorized(f"This needs a {role.value} token.")
            if not identity.role.covers(role):
                raise Forbidden(f"This needs a {role.value} token; this one is {identity.role}.")
            request[IDENTITY] = identity
            return await handler(request)

        return checked

    return decorate
