"""The `comments` command: one entry point for every process of the service. Each
subcommand is a module of services/ops/commands/, in the order `comments --help` lists them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from services.core.settings import SettingsError
from services.ops.commands import (
    erase_person,
    eval_labeled,
    export_comments,
    import_comments,
    purge_old,
    reconcile_once,
    serve_api,
    serve_worker,
    status_report,
    token_admin,
    train_prior,
    up,
)

DESCRIPTION = "The `comments` command: one entry point for every process of the service."

SUBCOMMANDS = (up, serve_api, serve_worker, reconcile_once, token_admin, status_report,
               purge_old, erase_person, export_comments, import_comments, eval_labeled,
               train_prior)  # fmt: skip


def parser() -> argparse.ArgumentParser:
    found = argparse.ArgumentParser(prog="comments", description=DESCRIPTION)
    commands = found.add_subparsers(dest="command", required=True, metavar="COMMAND")
    beside = argparse.ArgumentParser(add_help=False)
    beside.add_argument(
        "--data-dir", type=Path, default=Path(".comments"), help="of the `comments up` to use"
    )
    for subcommand in SUBCOMMANDS:
        subcommand.add(commands, beside)
    return found


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        sys.exit(args.run(args))
    except SettingsError as e:  # a setting read late, e.g. by `comments up` for its children
        print(f"comments: {e}", file=sys.stderr)
        sys.exit(2)
