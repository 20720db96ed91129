"""`comments import --format wxr|disqus FILE`: a site's existing comments brought in."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from services.ops.commands.environment import settings_for


def add(commands: Any, beside: argparse.ArgumentParser) -> None:
    imports = commands.add_parser(
        "import", parents=[beside],
        help="import a WordPress (WXR) or Disqus export; running it again imports nothing twice",
    )  # fmt: skip
    imports.add_argument("file", type=Path, metavar="FILE")
    imports.add_argument("--format", required=True, choices=["wxr", "disqus"])
    imports.add_argument("--site", default="default", help="the site to import into")
    imports.add_argument(
        "--article-id", choices=["post_name", "post_id", "id", "link"],
        help="what names the article: WXR's post_name (default), post_id or link; Disqus's "
        "thread id (default, else its link's path) or link",
    )  # fmt: skip
    imports.add_argument(
        "--moderate", action="store_true",
        help="moderate every imported comment again instead of keeping the source's decision",
    )  # fmt: skip
    imports.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from services.ops.importing import run_import
    from services.ops.operations import run_command

    return run_command(args, settings_for(args, beside=True), run=run_import)
