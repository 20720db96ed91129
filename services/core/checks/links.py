"""Links: too many hold a comment (as WordPress does); a link to a blocked domain is spam."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from services.core.checks.signal import Action, Signal
from services.core.rules import Rules

LINK = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'()\[\]{}]+")
# A bare host name such as `cheap-pills.example.com`, for the blocked-domain check.
HOST = re.compile(r"(?i)(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}(?![\w-])")


def find_links(text: str) -> list[str]:
    lowered = text.lower()
    if "http" not in lowered and "www." not in lowered:
        return []  # most comments: no regular expression pass at all
    return LINK.findall(text)


def host_of(link: str) -> str | None:
    try:
        host = urlsplit(link if "://" in link else f"http://{link}").hostname
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def check_links(content: str, links: list[str], author_url: str, rules: Rules) -> list[Signal]:
    """Signals for a comment whose `links` (from `find_links`) are known."""
    signals = []
    if len(links) > rules.link_limit:
        signals.append(
            Signal(
                check="links",
                action=Action.HOLD,
                score=0.0,
                detail=f"{len(links)} links, more than {rules.link_limit}",
                matched=tuple(links),
            )
        )
    if rules.blocked_domains:
        hosts = {h for link in links if (h := host_of(link))}
        hosts |= {m.lower() for m in HOST.findall(content)}
        if author_url and (h := host_of(author_url)):
            hosts.add(h)
        blocked = sorted(
            h for h in hosts for d in rules.blocked_domains if h == d or h.endswith(f".{d}")
        )
        if blocked:
            signals.append(
                Signal(
                    check="blocked_domain",
                    action=Action.SPAM,
                    score=1.0,
                    detail="links to a blocked domain",
                    matched=tuple(blocked),
                )
            )
    return signals
