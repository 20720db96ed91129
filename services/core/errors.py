"""Errors the domain raises; the API renders each as an `application/problem+json` response."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    pointer: str
    """JSON Pointer (RFC 6901) into the submitted document ("" for the document itself), or
    the name of a query parameter."""
    message: str


class Problem(Exception):
    """An error a client caused and can correct; RFC 9457 problem details."""

    status = 400
    title = "Bad Request"
    slug = "bad-request"

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers: dict[str, str] = {}

    @property
    def type(self) -> str:
        return f"/problems/{self.slug}"


class MalformedBody(Problem):
    status = 400
    title = "Malformed request body"
    slug = "malformed-body"


class UnsupportedMediaType(Problem):
    status = 415
    title = "Unsupported media type"
    slug = "unsupported-media-type"


class InvalidSubmission(Problem):
    status = 422
    title = "Invalid submission"
    slug = "invalid-submission"


class NotFound(Problem):
    status = 404
    title = "Not found"
    slug = "not-found"


class Conflict(Problem):
    status = 409
    title = "Conflict"
    slug = "duplicate-comment"


class TooManyRequests(Problem):
    status = 429
    title = "Too many requests"
    slug = "too-many-requests"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = max(1, retry_after_s)
        self.headers = {"Retry-After": str(self.retry_after_s)}


class InvalidQuery(Problem):
    status = 400
    title = "Invalid query"
    slug = "invalid-query"


class Unauthorized(Problem):
    status = 401
    title = "Unauthorized"
    slug = "unauthorized"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers = {"WWW-Authenticate": 'Bearer realm="comments"'}


class Forbidden(Problem):
    status = 403
    title = "Forbidden"
    slug = "forbidden"


class StateConflict(Problem):
    status = 409
    title = "Conflict"
    slug = "state-conflict"


class CommentChanged(StateConflict):
    """Its author edited the comment since the moderator read it: a decision is on the text
    the moderator saw, not on the one it has now."""

    title = "Comment changed"
    slug = "comment-changed"


class InvalidRequest(Problem):
    status = 422
    title = "Invalid request"
    slug = "invalid-request"


class ParentConflict(Problem):
    """A reply to a comment that is not (or no longer) published on the article."""

    status = 409
    title = "Conflict"
    slug = "invalid-parent"


class PayloadTooLarge(Problem):
    status = 413
    title = "Request Entity Too Large"
    slug = "payload-too-large"


class RequestTimeout(Problem):
    """The body did not arrive in time: a client too slow, or one that stopped sending."""

    status = 408
    title = "Request Timeout"
    slug = "request-timeout"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers["Connection"] = "close"  # the rest of the body may never come
