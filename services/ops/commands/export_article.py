"""`comments export --article ID`: an article's published comments as JSON lines."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from services.ops.commands.environment import settings_for


def add(commands: Any, beside: argparse.ArgumentParser) -> None:
    export = commands.add_parser(
        "export", parents=[beside], help="an article's published comments as JSON lines"
    )
    export.add_argument("--article", required=True, metavar="ARTICLE_ID")
    export.add_argument("--output", type=Path, help="a file (default: standard output)")
    export.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from services.ops.operations import run_command

    return run_command(args, settings_for(args, beside=True))
