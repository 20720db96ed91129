"""The `comments` command: one entry point for every process of the service."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from services.core.rules import Rules
from services.core.settings import Settings, SettingsError


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="comments", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    up = commands.add_parser(
        "up",
        help="run the whole service here: Valkey (unless REDIS_URL is set), the API and workers",
    )
    up.add_argument("--host", default=None, help="API address (default 127.0.0.1)")
    up.add_argument("--port", type=int, default=None, help="API port (default 8000)")
    up.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    up.add_argument(
        "--data-dir", type=Path, default=Path(".comments"), help="for Valkey's files and the secret"
    )

    api = commands.add_parser(
        "api", help="run the HTTP API alone (configured from the environment)"
    )
    api.add_argument("--host", default=None)
    api.add_argument("--port", type=int, default=None)

    worker = commands.add_parser("worker", help="run one moderation worker (from the environment)")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")

    evaluate = commands.add_parser(
        "eval", help="run labeled comments through the checks and print the triage table"
    )
    evaluate.add_argument("files", nargs="+", type=Path, metavar="FILE")

    args = parser.parse_args(argv)
    if args.command == "eval":
        from services.core.settings import parse_fields
        from services.evaluation import evaluate as run_eval

        rules = parse_fields(Rules, os.environ)
        for path in args.files:
            print(run_eval(path, rules).report(str(path)), end="\n\n")
        return
    try:
        if args.command == "up":
            from services.supervisor import up as run_up

            sys.exit(run_up(args.host, args.port, args.workers, args.data_dir))
        overrides = {k: v for k in ("host", "port") if (v := getattr(args, k, None)) is not None}
        settings = Settings.from_env(**overrides)
    except SettingsError as e:
        parser.exit(2, f"comments: {e}\n")
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.command == "api":
        from services.api.main import run as run_api

        run_api(settings)
    elif args.command == "worker":
        from services.worker.main import run as run_worker

        run_worker(settings, burst=args.burst)
