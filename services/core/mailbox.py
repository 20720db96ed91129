"""One mailbox, one author: the form of an address that per-author limits, duplicates,
reputation and bans are keyed by, so `ada+1@gmail.com` and `a.d.a+2@googlemail.com` count as
the one person they reach. The address is still stored (masked) as it was given.

Folded only where the provider documents that the variants reach the same mailbox, and
nothing else: a `+tag` for Google, Microsoft's consumer mail, iCloud, Fastmail and Proton, and
the dots of a Gmail name. Everywhere else `+` and `.` may be part of a different mailbox
(a site can route `sales+eu@` anywhere), so those addresses are only trimmed and lower-cased.
"""

from __future__ import annotations

GMAIL = frozenset({"gmail.com", "googlemail.com"})
"""Dots in the name are ignored, and googlemail.com is gmail.com."""

PLUS_TAGS = GMAIL | {
    "outlook.com", "hotmail.com", "live.com", "msn.com",  # Microsoft: "plus addressing"
    "icloud.com", "me.com", "mac.com",  # Apple iCloud Mail
    "fastmail.com", "fastmail.fm",  # Fastmail: "plus addressing"
    "proton.me", "protonmail.com", "protonmail.ch", "pm.me",  # Proton: "+aliases"
}  # fmt: skip
"""Providers that deliver `name+anything@` to `name@`."""


def mailbox(address: str) -> str:
    """`A.Da+news@GoogleMail.com` -> `ada@gmail.com`; `ada+x@example.com` stays as it is,
    lower-cased."""
    local, at, domain = address.strip().lower().rpartition("@")
    if not at:
        return domain
    if domain in PLUS_TAGS:
        local = local.partition("+")[0] or local
    if domain in GMAIL:
        local, domain = local.replace(".", "") or local, "gmail.com"
    return f"{local}@{domain}"
