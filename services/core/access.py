"""API tokens and their roles. A token is shown once, when made; Redis keeps only its hash."""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum


class Role(StrEnum):
    SITE = "site"
    """A news site's backend: may submit comments and read."""
    MODERATOR = "moderator"
    """Works the moderation queue, decides, bans."""
    ADMIN = "admin"
    """All a moderator may, and changes the moderation rules."""

    def covers(self, needed: Role) -> bool:
        return _RANK[self] >= _RANK[needed]


_RANK = {Role.SITE: 1, Role.MODERATOR: 2, Role.ADMIN: 3}

TOKEN_PREFIX = "lar_"


def new_token() -> str:
    """A token with 256 bits of randomness, recognisable by its prefix in leaked text."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """SHA-256 is enough for a random token: there is nothing to guess a dictionary of."""
    return hashlib.sha256(token.encode()).hexdigest()
