"""The API process."""

from __future__ import annotations

import sys

from aiohttp import web

from services.api.app import create_app
from services.api.requests import AccessLogger
from services.core.settings import Settings


def run(settings: Settings) -> None:
    """Serve until SIGTERM or SIGINT; then stop accepting and finish in-flight requests."""
    try:
        web.run_app(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            shutdown_timeout=10,
            access_log_class=AccessLogger,
            print=lambda message: print(message, flush=True),
        )
    except OSError as e:
        sys.exit(f"comments api: cannot listen on {settings.host}:{settings.port}: {e.strerror}")
