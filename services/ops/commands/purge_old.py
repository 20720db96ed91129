"""`comments purge`: delete spam and rejected comments older than N days."""

from __future__ import annotations

import argparse
from typing import Any

from services.ops.commands.environment import settings_for


def add(commands: Any, beside: argparse.ArgumentParser) -> None:
    purge = commands.add_parser(
        "purge", parents=[beside], help="delete spam and rejected comments older than N days"
    )
    purge.add_argument(
        "--older-than-days", type=int, default=None,
        help="default: COMMENTS_PURGE_AFTER_DAYS (30); workers also purge on their own",
    )  # fmt: skip
    purge.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from services.ops.operations import run_command

    return run_command(args, settings_for(args, beside=True))
