"""The API process, or a pool of them sharing one port."""

from __future__ import annotations

import gc
import logging
import os
import shutil
import sys
import tempfile

from aiohttp import web

from services.api.app import create_app
from services.api.requests import AccessLogger
from services.api.server import serve
from services.core.children import EX_CONFIG, Child, stop_all, stop_on_signals, supervise
from services.core.settings import Settings

SHUTDOWN_TIMEOUT = 10.0
"""After SIGTERM: how long in-flight requests get to finish."""
API_STOP_TIMEOUT = 20.0
"""How long a stopping API process gets from SIGTERM before it is killed: it finishes
in-flight requests within SHUTDOWN_TIMEOUT."""


def run(settings: Settings, *, reuse_port: bool = False) -> None:
    """Serve until SIGTERM or SIGINT; then stop accepting, end the open streams, finish
    in-flight requests, flush and close Redis."""
    app = create_app(settings)
    app.on_startup.append(_settle_garbage_collector)
    try:
        serve(
            app,
            settings.host,
            settings.port,
            reuse_port=reuse_port,
            shutdown_timeout=SHUTDOWN_TIMEOUT,
            announce=lambda message: print(message, flush=True),
            access_log_class=AccessLogger,
            access_log=logging.getLogger("aiohttp.access") if settings.access_log else None,
        )
    except OSError as e:
        print(f"comments api: cannot listen on {settings.host}:{settings.port}: {e.strerror}",
              file=sys.stderr, flush=True)  # fmt: skip
        sys.exit(EX_CONFIG)  # a supervisor restarting it would only fail again


async def _settle_garbage_collector(app: web.Application) -> None:
    """Everything loaded at start (schemas, word lists, libraries) lives as long as the process:
    move it out of the collector's sight, so collections only walk what requests allocate
    (12% more requests a second, p99 halved: bench/README.md)."""
    gc.collect()
    gc.freeze()


def run_pool(settings: Settings, processes: int) -> int:
    """`processes` API processes on one port (SO_REUSEPORT: the kernel spreads connections),
    restarted if they crash, stopped together; their metrics summed at any one's /metrics."""
    from services.store.shared_metrics import MULTIPROC_ENV

    env = dict(os.environ, COMMENTS_HOST=settings.host, COMMENTS_PORT=str(settings.port))
    made = None
    # A directory given to us is emptied by whoever gave it: under `comments up`, workers
    # write there too, and a restarted pool must not wipe their samples.
    if not env.get(MULTIPROC_ENV):
        made = env[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="comments-api-metrics-")
    command = [sys.executable, "-m", "services", "api", "--reuse-port"]
    children = [Child(f"api-{i + 1}", command, env) for i in range(processes)]
    stopping = stop_on_signals()
    try:
        return supervise(children, stopping, lambda: None)
    finally:
        stop_all(children, API_STOP_TIMEOUT)
        if made:
            shutil.rmtree(made, ignore_errors=True)
