"""A "Leave a Reply" submission: decoded from JSON or a WordPress-style form, trimmed, validated."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from services.core.errors import FieldError, InvalidSubmission, MalformedBody
from services.core.names import normalize_name
from services.core.schemas import errors_in

SCHEMA = "comment-submission.schema.json"

# WordPress's comment form field names, mapped onto the JSON document.
FORM_FIELDS: dict[str, tuple[str, ...]] = {
    "comment": ("content",),
    "author": ("author", "name"),
    "email": ("author", "email"),
    "url": ("author", "url"),
    "comment_parent": ("parent_id",),
    "honeypot": ("honeypot",),
    "fill_ms": ("fill_ms",),
}
FORM_OPTIONAL = frozenset({"url", "comment_parent", "honeypot", "fill_ms"})
# Fields a WordPress form also sends that mean nothing here.
# `redirect_to` is the page to return to, read by services/api/classic_form.py.
FORM_IGNORED = frozenset({"submit", "comment_post_ID", "wp-comment-cookies-consent", "redirect_to"})


@dataclass(frozen=True)
class Submission:
    name: str
    email: str
    url: str | None
    content: str
    parent_id: str | None
    honeypot: str = ""
    """A hidden form field only bots fill; a filled one marks the comment spam."""
    fill_ms: int | None = None
    """Milliseconds between showing a browser form and sending it, when the form tells."""


def decode_json(body: bytes) -> Any:
    text = _decode_text(body)
    try:
        return json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as e:
        raise MalformedBody(f"The body is not valid JSON: {e}") from e
    except RecursionError as e:
        raise MalformedBody("The body is nested too deeply.") from e


def decode_form(body: bytes) -> dict[str, Any]:
    """Map the form's fields onto the JSON document; empty optional fields count as absent."""
    text = _decode_text(body)
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except (ValueError, UnicodeDecodeError) as e:
        raise MalformedBody(f"The body is not a valid urlencoded form: {e}") from e
    document: dict[str, Any] = {}
    errors: list[FieldError] = []
    seen: set[str] = set()
    for name, value in pairs:
        if name in FORM_IGNORED:
            continue
        if name in seen:
            errors.append(FieldError(f"/{name}", "is given more than once"))
            continue
        seen.add(name)
        path = FORM_FIELDS.get(name)
        if path is None:
            document[name] = value  # left for the schema to name as not accepted
            continue
        if name in FORM_OPTIONAL and value.strip() in {"", "0" if name == "comment_parent" else ""}:
            continue  # WordPress sends comment_parent=0 and url= when there is none
        target = document
        for step in path[:-1]:
            target = target.setdefault(step, {})
        target[path[-1]] = _form_integer(value) if name == "fill_ms" else value
    if errors:
        raise InvalidSubmission("The form has repeated fields.", errors=errors)
    return document


def _integer(digits: str) -> int | float:
    """An integer, or a float (infinite past about 300 digits) for one with more digits than
    Python converts (RFC 8259 lets a parser approximate): the schema then names the field."""
    if len(digits) <= sys.get_int_max_str_digits():
        return int(digits)
    return float(digits)


def _form_integer(value: str) -> int | float | str:
    # A form sends text; the schema checks the number, and names the field if it is not one.
    # ASCII digits only: "²³" and "٣" are digits to str.isdigit, not numbers a form sends.
    digits = value.strip()
    return _integer(digits) if digits.isascii() and digits.isdigit() else value


def parse(document: Any) -> Submission:
    """Trim every string, validate against the schema, and name every failing field at once."""
    document = _trimmed(document)
    _check_strings(document)
    errors = errors_in(SCHEMA, document)
    if errors:
        raise InvalidSubmission(
            f"The submission has {len(errors)} invalid field{'s' * (len(errors) != 1)}.",
            errors=errors,
        )
    author = document["author"]
    return Submission(
        name=author["name"],
        email=author["email"],
        url=author.get("url"),
        content=document["content"],
        parent_id=document.get("parent_id"),
        honeypot=document.get("honeypot", ""),
        # JSON Schema counts 2500.0 as an integer; the record keeps it as one.
        fill_ms=int(document["fill_ms"]) if "fill_ms" in document else None,
    )


def _decode_text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise MalformedBody(f"The body is not valid UTF-8: {e.reason} at byte {e.start}.") from e


def _check_strings(document: Any) -> None:
    """JSON escapes can spell lone surrogates ("\\ud800"), which no storage or output can
    encode: refused in every field, the honeypot's too, before the schema looks."""
    if not isinstance(document, dict):
        return
    author = document.get("author")
    fields = [(f"/{k}", v) for k, v in document.items()]
    if isinstance(author, dict):
        fields += [(f"/author/{k}", v) for k, v in author.items()]
    for where, value in fields:
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as e:
                raise MalformedBody(f"{where} holds text that is not valid Unicode.") from e


def _trimmed(document: Any) -> Any:
    """Trim the strings the schema knows, and normalise the name (see `names`); anything else
    is left for the schema to refuse."""
    if not isinstance(document, dict):
        return document
    trimmed = {k: v.strip() if isinstance(v, str) else v for k, v in document.items()}
    author = trimmed.get("author")
    if isinstance(author, dict):
        author = {k: v.strip() if isinstance(v, str) else v for k, v in author.items()}
        if isinstance(author.get("name"), str):
            author["name"] = normalize_name(author["name"])
        trimmed["author"] = author
    return trimmed
