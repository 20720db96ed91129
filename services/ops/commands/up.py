"""`comments up`: the whole service here (Valkey unless REDIS_URL is set, the API, workers)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add(commands: Any, beside: argparse.ArgumentParser) -> None:
    up = commands.add_parser(
        "up",
        help="run the whole service here: Valkey (unless REDIS_URL is set), the API and workers",
    )
    up.add_argument("--host", default=None, help="API address (default 127.0.0.1)")
    up.add_argument("--port", type=int, default=None, help="API port (default 8000)")
    up.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    up.add_argument(
        "--webhook-workers", type=int, default=1, help="webhook delivery workers (default 1)"
    )
    up.add_argument(
        "--api-processes", type=int, default=1, help="API processes sharing the port (default 1)"
    )
    up.add_argument(
        "--data-dir", type=Path, default=Path(".comments"), help="for Valkey's files and the secret"
    )
    up.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from services.ops.supervisor import up

    return up(args.host, args.port, args.workers, args.data_dir, args.webhook_workers,
              args.api_processes)  # fmt: skip
