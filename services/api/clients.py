"""Who is at the other end: the client's address, through trusted proxies only."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from aiohttp import web

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(t.strip(), strict=False) for t in trusted if t.strip())


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    ip = _ip(address)
    return ip is not None and any(ip in network for network in networks)


def client_address(request: web.Request, trusted: tuple[str, ...]) -> str:
    """The connection's address; when that is a trusted proxy, the right-most address in
    `X-Forwarded-For` that is not itself a trusted proxy."""
    remote = request.remote or ""
    networks = _networks(trusted)
    if not networks or not _is_trusted(remote, networks):
        return remote
    # Entries that are not addresses (junk a client sent, bytes that are not even UTF-8) are
    # no one's address: skipped.
    forwarded = request.headers.get("X-Forwarded-For", "").split(",")
    hops = [h.strip() for h in forwarded if _ip(h) is not None]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop
    return hops[0] if hops else remote
