"""The JSON Schemas under `schemas/`: loading, validating, turning failures into field errors.

Two validators, one decision: `jsonschema` (Python, the reference, whose errors name each
failing field) and `jsonschema-rs` (Rust, about 12 times faster on a valid submission), both
given this module's format functions. A document `jsonschema-rs` finds valid is accepted;
any other is explained, and decided, by `jsonschema`. tests/core/test_schemas_agree.py checks
that the two agree on generated documents of every shape the schemas take.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from jsonschema.protocols import Validator
from referencing import Registry, Resource

from services.core.errors import FieldError
from services.core.names import has_visible

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"

# The address syntax an HTML <input type="email"> accepts (WHATWG), with a dot in the domain.
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_URL_FORBIDDEN = re.compile(r"[\s<>\"\\^`{|}\x00-\x1f\x7f]")

format_checker = FormatChecker(formats=())


@format_checker.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or _EMAIL.fullmatch(value) is not None


@format_checker.checks("display-name")
def _is_display_name(value: object) -> bool:
    return not isinstance(value, str) or has_visible(value)


@format_checker.checks("uri")
def _is_http_url(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if _URL_FORBIDDEN.search(value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)


@format_checker.checks("date-time")
def _is_date_time(value: object) -> bool:
    """RFC 3339's date-time (`2026-12-03T08:00:00Z`), a real day and time of it."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


FORMATS = {
    "email": _is_email,
    "display-name": _is_display_name,
    "uri": _is_http_url,
    "date-time": _is_date_time,
}
"""The formats the schemas use, checked the same way by both validators."""


@cache
def schemas() -> dict[str, dict[str, Any]]:
    """Every schema, by file name (`comment-submission.schema.json`), which is also its `$id`."""
    found = {}
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        schema = json.loads(path.read_text())
        if schema.get("$id") != path.name:
            raise ValueError(f"{path}: $id must be the file name")
        found[path.name] = schema
    return found


@cache
def registry() -> Registry[Any]:
    return Registry().with_resources(
        (name, Resource.from_contents(schema)) for name, schema in schemas().items()
    )


def _pattern(
    checker: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterable[ValidationError]:
    """`pattern` as ECMA-262 reads it, as JSON Schema says and jsonschema-rs does: `$` only at
    the very end. (Python's `$` also matches before a last newline: `"name\n"` passed
    `^[^\u0000-\u001f]*$`, and `"<hash>\n"` a 64-hex-digit pattern.)"""
    if checker.is_type(instance, "string") and not _ecma(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _ecma(pattern: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


# types-jsonschema leaves `extend` untyped.
Reference: Any = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {"pattern": _pattern}
)


@cache
def validator(name: str) -> Validator:
    schema = schemas()[name]
    Draft202012Validator.check_schema(schema)
    found: Validator = Reference(schema, registry=registry(), format_checker=format_checker)
    return found


@cache
def fast_validator(name: str) -> jsonschema_rs.Draft202012Validator:
    """The same schema for `jsonschema-rs`, with the same format functions."""
    return jsonschema_rs.Draft202012Validator(
        schemas()[name],
        formats=FORMATS,
        validate_formats=True,
        registry=jsonschema_rs.Registry(list(schemas().items())),
    )


def errors_in(name: str, document: Any) -> list[FieldError]:
    """The fields of `document` that schema `name` refuses, each with a message; none for a
    valid document, which is the common case and is decided in microseconds."""
    try:
        if fast_validator(name).is_valid(document):
            return []
    except (ValueError, OverflowError, TypeError):
        pass  # a value jsonschema-rs cannot take (an infinite number): the reference decides
    return field_errors(validator(name).iter_errors(document))


def field_errors(errors: Iterable[ValidationError]) -> list[FieldError]:
    """One error per failing field, each with a JSON Pointer and a message a person can act on."""
    found: dict[str, str] = {}
    for error in errors:
        for pointer, message in _explain(error):
            found.setdefault(pointer, message)
    return [FieldError(pointer, message) for pointer, message in sorted(found.items())]


def _pointer(parts: Iterable[object]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _explain(error: ValidationError) -> Iterable[tuple[str, str]]:
    where = _pointer(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    keyword = error.validator
    value: Any = error.validator_value
    instance: Any = error.instance
    if keyword == "required":
        present = instance if isinstance(instance, dict) else {}
        for name in value:
            if name not in present:
                yield _pointer([*error.absolute_path, name]), "is required"
    elif keyword == "additionalProperties":
        known = schema.get("properties", {})
        for name in instance:
            if name not in known:
                yield _pointer([*error.absolute_path, name]), "is not an accepted field"
    elif keyword == "type" and isinstance(instance, float) and not math.isfinite(instance):
        yield where, "is too large a number"  # more digits than any integer field takes
    elif keyword == "type":
        yield where, f"must be of type {value if isinstance(value, str) else ' or '.join(value)}"
    elif keyword == "minLength":
        yield where, "must not be empty" if value == 1 else f"must be at least {value} characters"
    elif keyword == "maxLength":
        yield where, f"must be at most {value} characters"
    elif keyword in {"minimum", "maximum"}:
        yield where, f"must be at {'least' if keyword == 'minimum' else 'most'} {value}"
    elif keyword in {"pattern", "format"} and "errorMessage" in schema:
        # One message for the field, or one per keyword (ajv-errors' convention).
        message = schema["errorMessage"]
        yield where, message[keyword] if isinstance(message, dict) else message
    else:
        yield where, error.message
