"""The fast validator (jsonschema-rs) never accepts what the reference (jsonschema) refuses,
and refuses what it refuses, on generated documents of every shape the schemas take: every
decision stays the reference's (services/core/schemas.py)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.core.schemas import errors_in, fast_validator, schemas, validator

# Strings that probe the formats and patterns where two implementations may part: the
# addresses, URLs and names the issue found jsonschema-rs's own formats disagreeing on.
PROBES = [
    "ada@example.com", "a@[127.0.0.1]", '"quoted"@example.com', "a@b", "a@b.c", "ädä@example.com",
    "a@exämple.com", "a@-x.com", "a..b@example.com", "a@example.com\n", "https://a.example",
    "http://", "https://:80", "https://a.example:99999", "https://exämple.com", "https://a/%zz",
    "ftp://a.example", "https://a.example/ space", "//a.example", "javascript:alert(1)",
    "HTTPS://A.EXAMPLE", "https://a.example:", "", " ", "\u200b", "Ada", "أحمد", "\u202e",
    "a\x00b", "a1", "a1\n", "news:2026-11-28.city-council", "x" * 129, "published", "held",
    "spam", "censor", "hold", "en", "comment.published", "01HZX3V7Q4K2N8M6P0R5T9W1YB",
]  # fmt: skip
LEAVES = st.one_of(
    st.sampled_from(PROBES), st.text(max_size=20), st.integers(-3, 20_000),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none(),
)  # fmt: skip


def _keys_of(schema: Any) -> set[str]:
    """Every property name the schemas mention, so generated objects hit real fields."""
    found: set[str] = set()
    if isinstance(schema, dict):
        found.update(schema.get("properties", {}))
        found.update(schema.get("required", []))
        for value in schema.values():
            found |= _keys_of(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _keys_of(value)
    return found


KEYS = sorted(set().union(*(_keys_of(s) for s in schemas().values())) | {"extra"})
DOCUMENTS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=6),
    ),
    max_leaves=25,
)
SUBMISSIONS = st.fixed_dictionaries(
    {"author": st.fixed_dictionaries(
        {"name": st.sampled_from(PROBES) | st.text(max_size=10)},
        optional={"email": st.sampled_from(PROBES), "url": st.sampled_from(PROBES)})},
    optional={"content": st.sampled_from(PROBES) | st.text(max_size=30),
              "parent_id": st.sampled_from(PROBES), "honeypot": LEAVES, "fill_ms": LEAVES,
              "extra": LEAVES},
)  # fmt: skip


def _agree(name: str, document: Any) -> None:
    reference = not list(validator(name).iter_errors(document))
    assert fast_validator(name).is_valid(document) == reference, (name, document)
    assert (errors_in(name, document) == []) == reference


@pytest.mark.parametrize("name", sorted(schemas()))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=DOCUMENTS)
def test_every_schema_decides_the_same_on_any_document(name: str, document: Any) -> None:
    _agree(name, document)


@settings(max_examples=1500, deadline=None)
@given(document=SUBMISSIONS)
def test_submissions_are_decided_the_same(document: Any) -> None:
    _agree("comment-submission.schema.json", document)


@pytest.mark.parametrize("value", PROBES)
def test_each_probe_in_each_string_field_of_a_submission(value: str) -> None:
    base: dict[str, Any] = {"author": {"name": "Ada", "email": "ada@example.com", "url": "https://a.example"},
            "content": "Thanks.", "parent_id": "01HZX3V7Q4K2N8M6P0R5T9W1YB"}  # fmt: skip
    for document in (
        {**base, "content": value},
        {**base, "parent_id": value},
        {**base, "author": {**base["author"], "name": value}},
        {**base, "author": {**base["author"], "email": value}},
        {**base, "author": {**base["author"], "url": value}},
    ):
        _agree("comment-submission.schema.json", document)
