from __future__ import annotations

import json

import pytest

from services.core.errors import InvalidSubmission, MalformedBody
from services.core.submission import decode_form, decode_json, parse
from tests.helpers import valid_submission

VISIBLE = "must contain a visible character: a letter, digit, punctuation or symbol"


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
        ("name", "bell\x07", "/author/name", "must not contain control characters"),
        ("name", "c1\x85c1", "/author/name", "must not contain control characters"),
        ("name", "\u200b\u2060\u3164\u200d", "/author/name", VISIBLE),
        ("name", "\u202b\u202c\u200e", "/author/name", "must not be empty"),
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


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("\u202b\u0645\u062d\u0645\u062f \u0639\u0644\u064a\u202c\u200e", "محمد علي"),
        ("\u2067\u05d3\u05e0\u05d4 \u05dc\u05d5\u05d9\u2069", "דנה לוי"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("\ufeffAda", "Ada"),
        ("Cafe\u0301", "Café"),  # NFC: one name, one spelling
        ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "می\u200cخواهم"),  # ZWNJ kept
        ("\u0915\u094d\u200d\u0937", "क्\u200dष"),  # ZWJ kept
        ("\U0001f469\u200d\U0001f4bb \u2764\ufe0f", "👩\u200d💻 ❤\ufe0f"),
        ("王小明", "王小明"),
    ],
)
def test_names_lose_only_what_steers_layout(given: str, stored: str) -> None:
    document = valid_submission()
    document["author"]["name"] = given
    assert parse(document).name == stored


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("9" * 5000, "is too large a number"),
        ("1e400", "is too large a number"),
        ("86400001", "must be at most 86400000"),
        ("-1", "must be at least 0"),
    ],
)
def test_fill_ms_out_of_range_names_the_field(number: str, message: str) -> None:
    body = json.dumps(valid_submission()).replace("{", '{"fill_ms": ' + number + ", ", 1)
    assert errors_of(decode_json(body.encode())) == {"/fill_ms": message}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("%C2%B2%C2%B3", "must be of type integer"),  # ²³: digits to str.isdigit, not a number
        ("%D9%A3", "must be of type integer"),  # Arabic-Indic three
        ("9" * 5000, "is too large a number"),
    ],
)
def test_form_fill_ms_takes_ascii_digits_only(value: str, message: str) -> None:
    body = f"comment=a&author=Ada&email=ada%40example.com&fill_ms={value}".encode()
    assert errors_of(decode_form(body)) == {"/fill_ms": message}


def test_a_lone_surrogate_in_the_honeypot_is_malformed() -> None:
    document = decode_json(json.dumps({**valid_submission(), "honeypot": "\udc80"}).encode())
    with pytest.raises(MalformedBody, match="/honeypot"):
        parse(document)
