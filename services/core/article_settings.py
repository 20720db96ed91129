"""Articles as records: what a site says about an article (title, canonical URL, when it was
published, its language) and its comment settings, and what those settings come to once the
rules' defaults fill in what the article leaves open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from services.core.errors import FieldError, Forbidden, InvalidRequest
from services.core.rules import Premoderation, Rules


class CommentStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CommentsClosed(Forbidden):
    slug = "comments-closed"
    title = "Comments are closed"


TEXT_FIELDS = ("title", "url", "published_at", "language")
"""What describes the article; stored as given ("" for null)."""


@dataclass(frozen=True)
class Article:
    """An article as stored: None where the site left a value to the defaults."""

    article_id: str
    title: str | None = None
    url: str | None = None
    published_at: str | None = None
    language: str | None = None
    status: CommentStatus = CommentStatus.OPEN
    close_after_days: int | None = None
    premoderation: Premoderation | None = None
    created_at: str = ""
    """When the service first heard of it: its first comment, or its first PUT."""
    updated_at: str = ""
    updated_by: str = ""

    @classmethod
    def from_body(cls, article_id: str, body: dict[str, Any]) -> Article:
        """From a PUT body valid against schemas/article.schema.json; a bad date is a 422."""
        comments = body.get("comments") or {}
        published_at = body.get("published_at")
        if published_at is not None and parse_time(published_at) is None:
            raise InvalidRequest(
                "published_at is not a date and time.",
                errors=[FieldError("/published_at", "must be an RFC 3339 date-time")],
            )
        premoderation, days = comments.get("premoderation"), comments.get("close_after_days")
        return cls(
            article_id,
            title=body.get("title"),
            url=body.get("url"),
            published_at=published_at,
            language=body.get("language"),
            status=CommentStatus(comments.get("status", "open")),
            # JSON Schema counts 28.0 as an integer; the record keeps it as one.
            close_after_days=None if days is None else int(days),
            premoderation=Premoderation(premoderation) if premoderation else None,
        )

    @classmethod
    def from_stored(cls, article_id: str, stored: dict[str, str]) -> Article:
        days, premoderation = stored.get("close_after_days"), stored.get("premoderation")
        return cls(
            article_id,
            title=stored.get("title") or None,
            url=stored.get("url") or None,
            published_at=stored.get("published_at") or None,
            language=stored.get("language") or None,
            status=CommentStatus(stored.get("status") or "open"),
            close_after_days=int(days) if days else None,
            premoderation=Premoderation(premoderation) if premoderation else None,
            created_at=stored.get("created_at", ""),
            updated_at=stored.get("updated_at", ""),
            updated_by=stored.get("updated_by", ""),
        )

    def stored_fields(self) -> dict[str, str]:
        """The fields a PUT writes (not `created_at`, which only the first write sets)."""
        fields = {name: getattr(self, name) or "" for name in TEXT_FIELDS}
        fields |= self.comment_fields()
        return fields | {"updated_at": self.updated_at, "updated_by": self.updated_by}

    def comment_fields(self) -> dict[str, str]:
        """The comment settings as stored: what the audit log compares."""
        days = self.close_after_days
        return {
            "status": self.status.value,
            "close_after_days": "" if days is None else str(days),
            "premoderation": self.premoderation.value if self.premoderation else "",
        }

    def closes_at(self, default_days: int | None) -> datetime | None:
        """When comments close by time: `close_after_days` (the article's, else the rules')
        after `published_at`, or after the service first heard of the article when the site
        never said when it was published."""
        days = self.close_after_days if self.close_after_days is not None else default_days
        start = parse_time(self.published_at or self.created_at)
        if days is None or start is None:
            return None
        try:
            return start + timedelta(days=days)
        except OverflowError:
            return None  # past the year 9999: never, as far as a datetime can tell

    def is_closed(self, default_days: int | None, now: datetime) -> bool:
        if self.status == CommentStatus.CLOSED:
            return True
        closes_at = self.closes_at(default_days)
        return closes_at is not None and now >= closes_at

    def view(self, rules: Rules, now: datetime, comment_count: int) -> dict[str, Any]:
        """The article as GET answers it: the effective settings, and which came from the
        rules."""
        closes_at = self.closes_at(rules.close_after_days)
        inherited = [
            name for name in ("close_after_days", "premoderation") if getattr(self, name) is None
        ]
        closed = self.is_closed(rules.close_after_days, now)
        return {
            "id": self.article_id,
            **{name: getattr(self, name) for name in TEXT_FIELDS},
            "comments": {
                "status": "closed" if closed else "open",
                "close_after_days": (
                    self.close_after_days
                    if self.close_after_days is not None
                    else rules.close_after_days
                ),
                "premoderation": (self.premoderation or rules.premoderation).value,
                "closes_at": _iso(closes_at) if closes_at else None,
                "closed_reason": _closed_reason(self.status, closed),
                "inherited": inherited,
                "stored": {
                    "status": self.status.value,
                    "close_after_days": self.close_after_days,
                    "premoderation": self.premoderation.value if self.premoderation else None,
                },
                "count": comment_count,
            },
            "created_at": self.created_at or None,
            "updated_at": self.updated_at or None,
            "updated_by": self.updated_by or None,
        }


def premoderation_of(stored: str | None, rules: Rules) -> Premoderation:
    """The mode in force for an article: its own (as stored), else the rules'."""
    return Premoderation(stored) if stored else rules.premoderation


def parse_time(value: str) -> datetime | None:
    """An RFC 3339 date-time (a bare date counts as midnight UTC), or None."""
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _closed_reason(status: CommentStatus, closed: bool) -> str | None:
    """`status`: closed by a PUT; `time`: `close_after_days` passed."""
    if not closed:
        return None
    return "status" if status == CommentStatus.CLOSED else "time"
