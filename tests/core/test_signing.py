"""The webhook signature as a receiver checks it."""

from __future__ import annotations

import pytest

from services.core.signing import SignatureError, sign, verify

SECRET = b"whsec-0123456789abcdef"
BODY = b'{"id":"d1","type":"comment.published"}'


def test_a_signature_verifies_over_the_raw_body_and_returns_its_time() -> None:
    header = sign(SECRET, BODY, timestamp=1_800_000_000)
    assert header.startswith("t=1800000000,v1=")
    assert verify(SECRET, BODY, header, now=1_800_000_010) == 1_800_000_000


@pytest.mark.parametrize(
    ("secret", "body"),
    [
        (b"another-secret-0123456789", BODY),
        (SECRET, BODY.replace(b"d1", b"d2")),
        (SECRET, BODY + b" "),
    ],
)
def test_another_secret_or_a_changed_body_is_refused(secret: bytes, body: bytes) -> None:
    header = sign(SECRET, BODY, timestamp=1_800_000_000)
    with pytest.raises(SignatureError, match="does not match"):
        verify(secret, body, header, now=1_800_000_000)


def test_an_old_signature_is_refused_as_a_replay() -> None:
    header = sign(SECRET, BODY, timestamp=1_800_000_000)
    with pytest.raises(SignatureError, match="replay"):
        verify(SECRET, BODY, header, now=1_800_000_000 + 301)


def test_a_changed_timestamp_breaks_the_signature() -> None:
    header = sign(SECRET, BODY, timestamp=1_800_000_000).replace("t=1800000000", "t=1800000300")
    with pytest.raises(SignatureError, match="does not match"):
        verify(SECRET, BODY, header, now=1_800_000_300)


@pytest.mark.parametrize("header", ["", "v1=abc", "t=soon,v1=abc"])
def test_a_header_without_a_timestamp_is_refused(header: str) -> None:
    with pytest.raises(SignatureError, match="timestamp"):
        verify(SECRET, BODY, header)


def test_a_header_with_several_signatures_verifies_when_one_matches() -> None:
    old = sign(b"old-secret-0123456789", BODY, timestamp=1_800_000_000)
    new = sign(SECRET, BODY, timestamp=1_800_000_000)
    header = f"{old},v1={new.split('v1=')[1]}"
    assert verify(SECRET, BODY, header, now=1_800_000_000) == 1_800_000_000
