"""`comments worker`: one worker, configured from the environment."""

from __future__ import annotations

import argparse
from typing import Any

from services.ops.commands.environment import settings_for


def add(commands: Any, beside: argparse.ArgumentParser) -> None:
    worker = commands.add_parser("worker", help="run one worker (from the environment)")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    worker.add_argument(
        "--queue",
        choices=["moderation", "webhooks"],
        default="moderation",
        help="moderation (default), or webhooks: deliveries and their dispatcher",
    )
    worker.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from services.worker.main import run as run_worker

    run_worker(settings_for(args), queue=args.queue, burst=args.burst)
    return 0
