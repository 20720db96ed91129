"""One webhook POST: the host resolved and every address checked, then a connection to a
checked address (with the URL's host in `Host` and, for https, in SNI and the certificate
check), so a name that resolves elsewhere a moment later (DNS rebinding) changes nothing.

No redirect is followed and no proxy is used: the URL subscribed is the one to fix.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass

from services.core.webhook_targets import Address, Policy, Target, addresses, parse


@dataclass(frozen=True)
class Answer:
    status: int | None
    """The receiver's HTTP status; None when there was none."""
    error: str = ""
    refused: bool = False
    """True when the URL was refused before any connection."""


def resolve(target: Target) -> list[Address]:
    """The host's addresses; a literal's without a lookup. OSError when it does not resolve."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except UnicodeError as e:
        raise OSError(f"{target.host}: {e}") from e
    return addresses(infos)


class _Pinned(http.client.HTTPConnection):
    """A connection to `host` that connects to one of `pinned` and nothing else."""

    def __init__(self, target: Target, pinned: list[Address], timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.default_port = 443 if target.tls else 80  # `Host` names the port only if not this
        self.pinned = pinned
        self.tls = ssl.create_default_context() if target.tls else None

    def connect(self) -> None:
        error: OSError = OSError("no address to connect to")
        for address in self.pinned:
            try:
                sock = socket.create_connection((str(address), self.port), self.timeout)
                break
            except OSError as e:
                error = e
        else:
            raise error
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host) if self.tls else sock


def post(url: str, body: bytes, headers: dict[str, str], policy: Policy, timeout: float) -> Answer:
    """POST `body` to `url` if the policy lets it go to every address the host has now."""
    try:
        target = parse(url)
        found = resolve(target)
        policy.check(target.host, found)
    except ValueError as e:  # TargetRefused among them
        return Answer(None, f"refused: {e}", refused=True)
    except OSError as e:
        return Answer(None, f"{url}: {e}")
    return send(target, found, body, headers, timeout)


def send(
    target: Target, pinned: list[Address], body: bytes, headers: dict[str, str], timeout: float
) -> Answer:
    """POST to `target` through a connection to one of the `pinned` addresses, in order."""
    connection = _Pinned(target, pinned, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        return Answer(connection.getresponse().status)
    except (OSError, ValueError, http.client.HTTPException) as e:
        return Answer(None, str(e) or type(e).__name__)
    finally:
        connection.close()
