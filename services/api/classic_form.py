"""The classic "Leave a Reply" form, as WordPress's works: a browser that posts the plain HTML
form (no script) and accepts HTML is sent back to the article with `303 See Other` to
`<page>#comment-<id>`, and a refusal is a small HTML page listing what to correct, with a
link back. The page is the form's `redirect_to` field or, without one, the `Referer`; only
pages of the configured origins (`COMMENTS_CORS_ORIGINS`, `*` not counting) are returned to,
so the service is no open redirect. JSON clients, and forms with no page to return to, get
the JSON answers as before."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qsl, urlsplit

from aiohttp import web

from services.core.errors import FieldError, InvalidSubmission, Problem
from services.core.submission import FORM_FIELDS

FIELD = "redirect_to"
HTML_TYPES = ("text/html", "application/xhtml+xml")
JSON_TYPES = ("application/json", "application/problem+json")
FORM_NAMES = {"/" + "/".join(path): name for name, path in FORM_FIELDS.items()}
"""A JSON pointer into the submission -> the form field a reader filled in."""


@dataclass(frozen=True)
class ClassicForm:
    back: str
    """The page to return to ('' when the one asked for is refused)."""
    refused: FieldError | None = None

    def check(self) -> None:
        if self.refused:
            raise InvalidSubmission("The form names a page to return to that is not allowed.",
                                    errors=[self.refused])  # fmt: skip


def classic_form(request: web.Request, body: bytes, origins: tuple[str, ...]) -> ClassicForm | None:
    """How to answer this submission as a classic form; None to answer it as JSON."""
    if request.content_type != "application/x-www-form-urlencoded":
        return None
    if not wants_html(request.headers.get("Accept", "")):
        return None
    asked = _form_field(body, FIELD).strip()
    if asked:
        if allowed(asked, origins):
            return ClassicForm(asked)
        return ClassicForm("", FieldError(f"/{FIELD}", "must be a page of a site allowed here"))
    referer = request.headers.get("Referer", "")
    return ClassicForm(referer) if allowed(referer, origins) else None


def see_other(form: ClassicForm, comment_id: str) -> web.Response:
    page = form.back.partition("#")[0]
    return web.Response(status=303, headers={"Location": f"{page}#comment-{comment_id}"})


def error_page(problem: Problem, form: ClassicForm) -> web.Response:
    """The refusal as a page a reader can act on; the status and headers (Retry-After) stay."""
    items = [
        f"<li><b>{escape(FORM_NAMES.get(e.pointer, e.pointer.lstrip('/')))}</b>: "
        f"{escape(e.message)}</li>"
        for e in problem.errors
    ]
    back = (
        f'<p><a href="{escape(form.back, quote=True)}">Back to the form</a></p>'
        if form.back
        else ""
    )
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(problem.title)}</title></head><body>"
        f"<h1>Your comment was not posted</h1><p>{escape(problem.detail)}</p>"
        f"{'<ul>' + ''.join(items) + '</ul>' if items else ''}{back}</body></html>"
    )
    headers = {**problem.headers, "Content-Security-Policy": "default-src 'none'"}
    return web.Response(status=problem.status, text=html, content_type="text/html", headers=headers)


def wants_html(accept: str) -> bool:
    """Whether the client prefers HTML to JSON: a browser's form post does (`text/html,...,
    */*;q=0.8`); `*/*` alone, as curl sends, does not."""
    weights: dict[str, float] = {}
    for part in accept.split(",")[:64]:
        media, *params = part.split(";")
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value.strip()[:8])
                except ValueError:
                    weight = 0.0
        media = media.strip().lower()
        weights[media] = max(weights.get(media, 0.0), weight)
    html = max(weights.get(t, 0.0) for t in HTML_TYPES)
    return html > 0 and all(html >= weights.get(t, 0.0) for t in JSON_TYPES)


def allowed(url: str, origins: tuple[str, ...]) -> bool:
    """Whether `url` is an http(s) page of one of `origins` (listed ones only: `*` would make
    the service an open redirect)."""
    if not url or len(url) > 2000 or not url.isascii() or not url.isprintable():
        return False
    if any(c in url for c in " \\"):  # browsers read `\` as `/`: keep to plain URLs
        return False
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in {"http", "https"} or not parts.hostname or "@" in parts.netloc:
        return False
    default = {"http": 80, "https": 443}[parts.scheme]
    origin = f"{parts.scheme}://{parts.hostname}" + (
        f":{port}" if port not in {None, default} else ""
    )
    return origin in {o.rstrip("/").lower() for o in origins if o != "*"}


def _form_field(body: bytes, name: str) -> str:
    """The field's value ('' when absent or the body is not a form: the decoder says why)."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (ValueError, UnicodeDecodeError):
        return ""
    return next((value for key, value in pairs if key == name), "")
