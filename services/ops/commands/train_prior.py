"""`comments train FILE...`: the spam filter's prior, learned from labeled files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add(commands: Any, beside: argparse.ArgumentParser) -> None:
    trainer = commands.add_parser(
        "train", help="write the spam filter's prior from labeled files (see COMMENTS_PRIOR)"
    )
    trainer.add_argument("files", nargs="+", type=Path, metavar="FILE")
    trainer.add_argument("--output", "-o", type=Path, help="a file (default: standard output)")
    trainer.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from services.ops.eval_commands import train_command

    return train_command(args)
