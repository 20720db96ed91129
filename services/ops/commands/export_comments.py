"""`comments export`: an article's published comments, everything stored about one person
(an access request, GDPR article 15), or every comment of the site (a backup or a move), as
JSON lines."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from services.ops.commands.environment import settings_for


def add(commands: Any, beside: argparse.ArgumentParser) -> None:
    export = commands.add_parser(
        "export", parents=[beside],
        help="comments as JSON lines: an article's published ones, one person's, or all",
    )  # fmt: skip
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--article", metavar="ARTICLE_ID", help="its published comments")
    which.add_argument("--email", metavar="ADDRESS", help="every comment sent with it")
    which.add_argument("--site", metavar="SITE", help="every comment, in every state")
    export.add_argument("--output", type=Path, help="a file (default: standard output)")
    export.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from services.ops.operations import run_command

    return run_command(args, settings_for(args, beside=True))
