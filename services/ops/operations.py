"""The operator's commands beside a running service: status, purge, erase, export."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from services.core.settings import Settings
from services.ops import status
from services.store import lifecycle

DEFAULT_SITE = "default"


def run_command(
    args: argparse.Namespace,
    settings: Settings,
    run: Callable[[argparse.Namespace, Settings], int] | None = None,
) -> int:
    """`run` (this module's commands by default), with an unreachable Redis said in a line."""
    try:
        return (run or _run)(args, settings)
    except (RedisConnectionError, RedisTimeoutError) as e:
        # redis-py names the host and port, never the password.
        print(f"comments {args.command}: {e} Is a `comments up` running from {args.data_dir}? "
              "(For another server, set REDIS_URL.)", file=sys.stderr)  # fmt: skip
        return 1


def _run(args: argparse.Namespace, settings: Settings) -> int:
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    try:
        if args.command == "status":
            found = status.collect(redis, Redis.from_url(settings.redis_url))
            print(json.dumps(found, indent=2) if args.json else status.render(found))
        elif args.command == "purge":
            days = (
                settings.purge_after_days if args.older_than_days is None else args.older_than_days
            )
            print(f"purged {lifecycle.purge(redis, days)} spam and rejected comments "
                  f"older than {days} days")  # fmt: skip
        elif args.command == "erase":
            erased = lifecycle.erase_email(
                redis, settings.secret, args.email, actor="comments erase", reason=args.reason,
                article_events_ttl_s=settings.article_events_ttl_s,
            )  # fmt: skip
            print(f"erased {erased.comments} comments ({erased.published} were published, "
                  f"now withdrawn from {len(erased.articles)} articles) and "
                  f"{erased.events} stream entries")  # fmt: skip
        else:
            return _export_command(args, redis, settings)
    finally:
        redis.close()
    return 0


def _export_command(args: argparse.Namespace, redis: Redis, settings: Settings) -> int:
    if args.site is not None and unknown_site(args):
        return 2
    if args.article is not None:
        comments = lifecycle.export_article(redis, args.article)
    elif args.email is not None:
        comments = lifecycle.export_person(redis, settings.secret, args.email)
    else:
        comments = lifecycle.export_all(redis)
    if args.output:
        with args.output.open("w", encoding="utf-8") as out:
            count = _export(comments, out)
        print(f"exported {count} comments to {args.output}", file=sys.stderr)
    else:
        _export(comments, sys.stdout)
    return 0


def unknown_site(args: argparse.Namespace) -> bool:
    """Whether `--site` names a site this deployment does not have (it has one), said so."""
    if args.site == DEFAULT_SITE:
        return False
    print(f"comments {args.command}: no site {args.site!r}: this deployment has one site, "
          f"{DEFAULT_SITE!r}", file=sys.stderr)  # fmt: skip
    return True


def _export(comments: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for comment in comments:
        out.write(json.dumps(comment, ensure_ascii=False) + "\n")
        count += 1
    return count
