"""`comments api`: the HTTP API alone, configured from the environment."""

from __future__ import annotations

import argparse
from typing import Any

from services.ops.commands.environment import settings_for


def add(commands: Any, beside: argparse.ArgumentParser) -> None:
    api = commands.add_parser(
        "api", help="run the HTTP API alone (configured from the environment)"
    )
    api.add_argument("--host", default=None)
    api.add_argument("--port", type=int, default=None)
    api.add_argument(
        "--processes", type=int, default=1, help="API processes sharing the port (default 1)"
    )
    api.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)
    api.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from services.api.main import run as run_api
    from services.api.main import run_pool

    settings = settings_for(args)
    if args.processes > 1:
        return run_pool(settings, args.processes)
    run_api(settings, reuse_port=args.reuse_port)
    return 0
