"""A change of a comment's state, and what goes with it: the verdict, what readers see, what
the filter learns, the events and the audit entry. `services/store/transitions.py` applies it
in Redis, compare-and-set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from services.core.comment import State, public_view

ARTICLE_EVENTS_TTL_S = 24 * 3600
"""Default of the `article_events_ttl_s` setting: an article's public event stream goes after
this long without an event. A reader resuming later loses nothing: the stream it finds
again holds only events newer than any it was sent."""


@dataclass(frozen=True)
class Transition:
    record: Mapping[str, str]
    """The comment as read before the transition: id, article, author and text."""
    expected: State
    new_state: State
    now_iso: str
    now_ms: int
    verdict: dict[str, Any] | None = None
    published: dict[str, str] = field(default_factory=dict)
    """`published_content`, `published_name`, `published_url`: what readers see."""
    learn_as: str = ""
    """`spam` or `ham` to (re)train the filter with this comment's `tokens`; `forget` to untrain
    them (its text was edited)."""
    tokens: tuple[str, ...] = ()
    audit: dict[str, Any] | None = None
    mark_known_spam: bool = False
    fields: dict[str, str] = field(default_factory=dict)
    """Other fields to set on the record (who decided, why)."""
    first_decision: bool = False
    """Apply only if no moderator has decided the comment yet: of two moderators deciding
    at once, the second is refused instead of overriding the first."""
    quiet: bool = False
    """Emit no event (an imported archive: its comments are not news)."""
    article_events_ttl_s: int = ARTICLE_EVENTS_TTL_S
    """The article's public event stream lives this long after the event this transition
    adds to it (the `article_events_ttl_s` setting; 0: for ever)."""
    withdrawal: dict[str, Any] | None = None
    """Reader reports (services/core/report_policy.py) that take a published comment out of public
    view: the event is `comment.withdrawn` with them; readers see `comment.removed`."""
    revision: str | None = None
    """Apply only if the comment's text is still at this revision ("" before any edit): a
    verdict on text its author has edited since is refused. None: whatever the text."""
    cleared: tuple[str, ...] = ()
    """Fields to delete from the record (an edit clears the old verdict and decision)."""

    @property
    def comment_id(self) -> str:
        return self.record["id"]

    def event(self) -> dict[str, Any] | None:
        """The event this transition emits: published, removed (published no longer), held."""
        if self.quiet:
            return None
        base = {
            "occurred_at": self.now_iso,
            "article_id": self.record["article_id"],
            "comment_id": self.comment_id,
        }
        if self.new_state == State.PUBLISHED:
            published = {
                **self.record,
                **self.published,
                "state": State.PUBLISHED,
                "published_at": self.now_iso,
            }
            return {"type": "comment.published", **base, "comment": public_view(published)}
        if self.expected == State.PUBLISHED and self.withdrawal is not None:
            return {"type": "comment.withdrawn", **base, "state": self.new_state.value,
                    "reports": self.withdrawal}  # fmt: skip
        if self.expected == State.PUBLISHED:
            return {"type": "comment.removed", **base, "state": self.new_state.value}
        if self.new_state == State.HELD:
            return {"type": "comment.held", **base}
        return None

    def public_event(self) -> dict[str, Any] | None:
        """What readers of the article may see: a comment published, or no longer."""
        event = self.event()
        if event is None or event["type"] == "comment.held":
            return None
        if event["type"] in {"comment.removed", "comment.withdrawn"}:
            # Readers learn only that it left, not why (a withdrawal is a removal to them).
            kept = {k: v for k, v in event.items() if k not in {"state", "reports"}}
            return {**kept, "type": "comment.removed"}
        return event
