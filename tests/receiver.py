"""A news site's webhook endpoint for the tests: a real HTTP server on a local port that records
what arrives and answers the statuses it is told to."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Receiver:
    url: str = ""
    answers: list[int] = field(default_factory=list)
    """Statuses for the next requests, in order; 200 once they run out."""
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    """Each request's headers and raw body."""
    before_answer: Callable[[], object] | None = None
    """Called after a request arrived and before it is answered."""
    port: int = 0

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.received]


@contextmanager
def receiving(host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> Iterator[Receiver]:
    """A receiver listening on `host` (a loopback address) for as long as the block runs;
    over TLS with `tls`."""
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers.items()), body))
            if state.before_answer:
                state.before_answer()
            status = state.answers.pop(0) if state.answers else 200
            self.send_response(status)
            if 300 <= status < 400:  # somewhere a delivery must not be taken to
                self.send_header("Location", f"{state.url}/moved")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    if tls:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]
    state.url = f"{'https' if tls else 'http'}://{host}:{state.port}/hooks/comments"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as state:
        yield state
