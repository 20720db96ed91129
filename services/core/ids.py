"""Comment ids: ULIDs, time-ordered and made of letters and digits only."""

import re

from ulid import ULID

COMMENT_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def new_comment_id() -> str:
    return str(ULID())


def is_comment_id(value: str) -> bool:
    return COMMENT_ID.fullmatch(value) is not None


def id_time_ms(comment_id: str) -> int:
    """The acceptance time encoded in a comment id, in milliseconds since the epoch."""
    return int(ULID.from_str(comment_id).milliseconds)
