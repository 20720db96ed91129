"""`comments status`: queues, workers, comments per state, the oldest pending."""

from __future__ import annotations

import argparse
from typing import Any

from services.ops.commands.environment import settings_for


def add(commands: Any, beside: argparse.ArgumentParser) -> None:
    status = commands.add_parser(
        "status", parents=[beside], help="queues, workers, comments per state, oldest pending"
    )
    status.add_argument("--json", action="store_true", help="as JSON")
    status.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from services.ops.operations import run_command

    return run_command(args, settings_for(args, beside=True))
