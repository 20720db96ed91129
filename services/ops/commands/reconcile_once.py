"""`comments reconcile`: one pass of the reconciler, beside a `comments up` or on REDIS_URL."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from services.ops.commands.environment import settings_for


def add(commands: Any, beside: argparse.ArgumentParser) -> None:
    commands.add_parser(
        "reconcile",
        parents=[beside],
        help="re-enqueue comments stuck in pending, hold those that keep failing (one pass)",
    ).set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from redis import Redis

    from services.worker.reconcile import reconcile

    settings = settings_for(args, beside=True)
    report = reconcile(
        Redis.from_url(settings.redis_url, decode_responses=True),
        Redis.from_url(settings.redis_url),
        settings,
    )
    if report is None:
        print("comments reconcile: another reconciler is running", file=sys.stderr)
        return 1
    print(json.dumps(vars(report)))
    return 0
