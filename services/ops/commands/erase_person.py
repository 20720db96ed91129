"""`comments erase --email ADDRESS`: everything of one person erased (GDPR article 17)."""

from __future__ import annotations

import argparse
from typing import Any

from services.ops.commands.environment import settings_for


def add(commands: Any, beside: argparse.ArgumentParser) -> None:
    erase = commands.add_parser(
        "erase", parents=[beside],
        help="erase everything of one email address: its comments, events, counts (GDPR)",
    )  # fmt: skip
    erase.add_argument("--email", required=True, metavar="ADDRESS")
    erase.add_argument("--reason", default="", help="kept in the audit log, e.g. a ticket number")
    erase.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from services.ops.operations import run_command

    return run_command(args, settings_for(args, beside=True))
