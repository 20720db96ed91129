"""`comments eval FILE...`: labeled comments through the checks, or through a running
service as a moderator would see them (`--online`), and the triage table."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add(commands: Any, beside: argparse.ArgumentParser) -> None:
    evaluate = commands.add_parser(
        "eval", help="run labeled comments through the checks and print the triage table"
    )
    evaluate.add_argument("files", nargs="*", type=Path, metavar="FILE")
    evaluate.add_argument(
        "--toxicity", type=Path, metavar="JIGSAW_CSV",
        help="also print the toxicity checks' confusion on a Jigsaw sample (comment_text, toxic)",
    )  # fmt: skip
    evaluate.add_argument(
        "--online",
        action="store_true",
        help="stream the files in order through a running service, a simulated moderator "
        "deciding every held comment by its true label (the filter learns as it goes)",
    )
    evaluate.add_argument("--url", help="with --online: a service to use instead of a private one")
    evaluate.add_argument("--token", help="with --url: a moderator token for it")
    evaluate.add_argument("--workers", type=int, default=2, help="with --online: worker processes")
    evaluate.add_argument(
        "--cross-file",
        action="store_true",
        help="with --online: each file through a service of its own, whose filter's prior "
        "learned from the other files only (never from the file measured)",
    )
    evaluate.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from services.ops.eval_commands import eval_command

    return eval_command(args)
