"""Email privacy: a keyed hash for look-ups and a masked form for display; never the address."""

from __future__ import annotations

import hashlib
import hmac

from services.core.mailbox import mailbox


def email_hash(secret: bytes, address: str) -> str:
    """HMAC-SHA256 of the address's mailbox (trimmed, lower-cased, a provider's `+tags` and
    Gmail's dots folded: see `mailbox`), so one person hashes one way."""
    return keyed_hash(secret, mailbox(address))


def email_hashes(secret: bytes, address: str) -> list[str]:
    """Every hash this address was ever kept under: its mailbox's, and the address's own
    (trimmed and lower-cased), under which comments sent before `+tags` and dots were
    folded are stored."""
    return list(
        dict.fromkeys([email_hash(secret, address), keyed_hash(secret, address.strip().lower())])
    )


def keyed_hash(secret: bytes, value: str) -> str:
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def mask_email(address: str) -> str:
    """`john.doe@mail.example.com` -> `j***@m***.com`: first letters and the top-level domain."""
    local, _, domain = address.strip().rpartition("@")
    labels = domain.split(".")
    tld = f".{labels[-1]}" if len(labels) > 1 else ""
    return f"{local[:1]}***@{labels[0][:1]}***{tld}"
