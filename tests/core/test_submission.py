from __future__ import annotations

import json

import pytest

from services.core.errors import InvalidSubmission, MalformedBody
from services.core.submission import decode_form, decode_json, parse
from tests.helpers import valid_submission


def errors_of(document: object) -> dict[str, str]:
    with pytest.raises(InvalidSubmission) as caught:
        parse(document)
    return {e.pointer: e.message for e in caught.value.errors}


def test_a_valid_submission_is_trimmed() -> None:
    document = valid_submission(content="  Hello  \n")
    document["author"]["name"] = "  Ada "
    submission = parse(document)
    assert submission.content == "Hello"
    assert submission.name == "Ada"
    assert submission.url == "https://ada.example"
    assert submission.parent_id is None


def test_every_failing_field_is_named_at_once() -> None:
    errors = errors_of(
        {"author": {"name": " ", "email": "not-an-address", "url": "ftp://x", "age": 3}, "x": 1}
    )
    assert errors == {
        "/author/name": "must not be empty",
        "/author/email": "must be a valid email address",
        "/author/url": "must be an http:// or https:// URL",
        "/author/age": "is not an accepted field",
        "/content": "is required",
        "/x": "is not an accepted field",
    }


@pytest.mark.parametrize(
    ("changes", "pointer", "message"),
    [
        ({"content": "x" * 10_001}, "/content", "must be at most 10000 characters"),
        ({"content": "   "}, "/content", "must not be empty"),
        ({"content": 5}, "/content", "must be of type string"),
        (
            {"content": "bell\x07"},
            "/content",
            "must not contain control characters other than tab and line breaks",
        ),
        ({"parent_id": "not-an-id"}, "/parent_id", "must be a comment id (26 characters, a ULID)"),
        ({"author": "Ada"}, "/author", "must be of type object"),
    ],
)
def test_field_rules(changes: dict[str, object], pointer: str, message: str) -> None:
    assert errors_of(valid_submission(**changes)) == {pointer: message}


@pytest.mark.parametrize(
    ("field", "value", "pointer", "message"),
    [
        ("name", "x" * 246, "/author/name", "must be at most 245 characters"),
        (
            "name",
            "evil\u202egnp.exe",
            "/author/name",
            "must not contain control or text-direction characters",
        ),
        ("email", "a" * 90 + "@example.com", "/author/email", "must be at most 100 characters"),
        ("email", "ada@localhost", "/author/email", "must be a valid email address"),
        ("email", "ada example@x.com", "/author/email", "must be a valid email address"),
        ("url", "javascript:alert(1)", "/author/url", "must be an http:// or https:// URL"),
        ("url", "https://", "/author/url", "must be an http:// or https:// URL"),
        ("url", "https://a.example/" + "p" * 200, "/author/url", "must be at most 200 characters"),
    ],
)
def test_author_rules(field: str, value: str, pointer: str, message: str) -> None:
    document = valid_submission()
    document["author"][field] = value
    assert errors_of(document) == {pointer: message}


def test_the_document_must_be_an_object() -> None:
    assert errors_of([1, 2]) == {"": "must be of type object"}


def test_limits_count_characters_not_bytes() -> None:
    assert parse(valid_submission(content="é" * 10_000)).content == "é" * 10_000


def test_malformed_json_and_text() -> None:
    with pytest.raises(MalformedBody):
        decode_json(b'{"content": ')
    with pytest.raises(MalformedBody, match="UTF-8"):
        decode_json(b'{"content": "\xff"}')
    with pytest.raises(MalformedBody, match="nested too deeply"):
        decode_json(b"[" * 100_000 + b"]" * 100_000)


def test_lone_surrogates_are_malformed_text() -> None:
    document = decode_json(json.dumps(valid_submission(content="a \ud800 b")).encode())
    with pytest.raises(MalformedBody, match="/content"):
        parse(document)


def test_the_wordpress_form_maps_onto_the_document() -> None:
    body = (
        b"comment=Nice+post&author=Ada&email=ada%40example.com&url=&comment_parent=0"
        b"&submit=Post+Comment&comment_post_ID=42"
    )
    assert decode_form(body) == {
        "content": "Nice post",
        "author": {"name": "Ada", "email": "ada@example.com"},
    }


def test_the_form_refuses_repeated_and_names_unknown_fields() -> None:
    with pytest.raises(InvalidSubmission) as caught:
        decode_form(b"comment=a&comment=b")
    assert [e.pointer for e in caught.value.errors] == ["/comment"]
    document = decode_form(b"comment=a&author=Ada&email=ada%40example.com&website=x")
    assert errors_of(document) == {"/website": "is not an accepted field"}


def test_the_form_must_be_utf8() -> None:
    with pytest.raises(MalformedBody):
        decode_form(b"comment=%FF&author=a&email=a%40b.co")
