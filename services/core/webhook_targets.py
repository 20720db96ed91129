"""Where a webhook may be delivered: a public address, unless an operator allows a network.

A subscription's host is resolved, and every address it resolves to is checked, when it is
made and again before each delivery, which then connects to an address that was checked: a
host that resolves to this machine, the cloud's metadata service or the private network is
refused, in whatever form it is written (`2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import SplitResult, quote, urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
DEFAULT_PORTS = {"http": 80, "https": 443}
URL_SAFE = "/%!$&'()*+,;=:@-._~"
"""What RFC 3986 lets a path hold as it is (with `%` for escapes already made)."""


class TargetRefused(ValueError):
    """The URL is not one deliveries may go to; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    """The host name (IDNA-encoded) or IP literal, without brackets."""
    port: int
    path: str
    """Path and query, as sent in the request line."""

    @property
    def tls(self) -> bool:
        return self.scheme == "https"


def parse(url: str) -> Target:
    try:
        parts = urlsplit(url)
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as e:
        raise TargetRefused(f"the URL's host or port is not valid ({e})") from e
    if parts.scheme not in DEFAULT_PORTS or not host:
        raise TargetRefused("the URL needs an http:// or https:// scheme and a host")
    return Target(parts.scheme, host, port or DEFAULT_PORTS[parts.scheme], _path(parts))


def _path(parts: SplitResult) -> str:
    """The request line's target in ASCII: what is not, percent-encoded as UTF-8."""
    path = quote(parts.path or "/", safe=URL_SAFE)
    return f"{path}?{quote(parts.query, safe=URL_SAFE + '?')}" if parts.query else path


def _reached(address: Address) -> Address:
    """The address a socket connecting to `address` reaches: `::ffff:127.0.0.1` is 127.0.0.1."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _forms(address: Address) -> list[Address]:
    """What to judge the address by: an IPv4-mapped one by the IPv4 address it reaches;
    one that carries an IPv4 address (6to4, Teredo, NAT64, IPv4-compatible) by that address,
    then by itself."""
    reached = _reached(address)
    if reached is not address or not isinstance(address, ipaddress.IPv6Address):
        return [reached]
    carried: list[Address] = []
    if address.sixtofour:
        carried.append(address.sixtofour)
    if address.teredo:
        carried.extend(address.teredo)
    if address in NAT64 or (address in IPV4_COMPATIBLE and int(address) > 1):  # not :: or ::1
        carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [*carried, address]


def kind(address: Address) -> str | None:
    """What makes the address one a webhook may not go to by default, or None if public."""
    for name, flag in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        ("non-public", not address.is_global),
    ):
        if flag:
            return name
    return None


@dataclass(frozen=True)
class Policy:
    allowed: tuple[Network, ...] = ()
    """Networks a webhook may go to although they are not public."""
    only: tuple[Network, ...] = ()
    """When any: the only networks a webhook may go to."""

    def refusal(self, address: Address) -> str | None:
        """Why a delivery may not go to `address` (`a loopback address`, ...), or None."""
        for form in _forms(address):
            if (what := kind(form)) and not _within(form, self.allowed):
                return f"a {what} address" + ("" if form == address else f" (as {form})")
        if self.only and not _within(_reached(address), self.only):
            return "outside the networks deliveries are limited to"
        return None

    def check(self, host: str, addresses: Sequence[Address]) -> None:
        """Refuse the host unless every address it resolves to may be delivered to: one
        public address beside a private one is the classic way around a check."""
        if not addresses:
            raise TargetRefused(f"{host} does not resolve to any address")
        for address in addresses:
            if reason := self.refusal(address):
                said = f"{address} is" if host == str(address) else f"{host} resolves to {address},"
                raise TargetRefused(f"{said} {reason}")


def _within(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in n for n in networks if address.version == n.version)


def networks(values: Iterable[str]) -> tuple[Network, ...]:
    """`10.0.0.0/8`, `127.0.0.1`, `::1/128`, ...; ValueError for anything else."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


@cache
def policy(allowed: tuple[str, ...], only: tuple[str, ...]) -> Policy:
    return Policy(networks(allowed), networks(only))


def addresses(infos: Iterable[tuple[Any, Any, Any, Any, tuple[Any, ...]]]) -> list[Address]:
    """The distinct addresses in what `getaddrinfo` answered, in its order (an IPv6
    link-local one keeps its `%interface`)."""
    found: list[Address] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]))
        if address not in found:
            found.append(address)
    return found
