"""Webhook signatures, in the style of Stripe's: `Comments-Signature: t=<unix time>,v1=<hex>`
where the hex is HMAC-SHA256(secret, "<t>.<raw body>"). Signing the time with the body lets a
receiver refuse a delivery replayed later; `verify` is what a receiver in Python runs."""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Comments-Signature"
TOLERANCE_S = 300
"""How old a signature may be before a receiver should refuse it as a replay."""


class SignatureError(ValueError):
    """The delivery is not signed by the secret, or it was signed too long ago."""


def sign(secret: bytes, body: bytes, timestamp: int | None = None) -> str:
    """The header value for `body`, signed now (or at `timestamp`)."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret, f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def verify(
    secret: bytes, body: bytes, header: str, *, now: float | None = None,
    tolerance_s: int = TOLERANCE_S,
) -> int:  # fmt: skip
    """Check a delivery as a receiver must: the raw body as received, the header as sent.
    Returns the signed time; raises SignatureError otherwise."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        t = int(parts["t"])
    except (KeyError, ValueError) as e:
        raise SignatureError("no timestamp in the signature header") from e
    expected = hmac.new(secret, f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(
        hmac.compare_digest(expected, value)
        for name, value in (item.split("=", 1) for item in header.split(",") if "=" in item)
        if name == "v1"
    ):
        raise SignatureError("the signature does not match the body")
    if abs((time.time() if now is None else now) - t) > tolerance_s:
        raise SignatureError(f"signed {t}: more than {tolerance_s} s away, a replay?")
    return t
