"""`comments token create|list|revoke`: the API's tokens."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from services.core.access import Role
from services.ops.commands.environment import settings_for


def add(commands: Any, beside: argparse.ArgumentParser) -> None:
    token = commands.add_parser(
        "token",
        help="create, list or revoke API tokens (of the `comments up` in --data-dir, or REDIS_URL)",
    )
    actions = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", parents=[beside], help="make a token and print it, once")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--name", required=True, help="who or what holds it, e.g. alice")
    actions.add_parser("list", parents=[beside], help="the tokens' names, roles and creation times")
    revoke = actions.add_parser("revoke", parents=[beside], help="revoke a token at once")
    revoke.add_argument("name")
    token.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from redis import Redis

    from services.store.tokens import TokenError, create, list_tokens, revoke

    settings = settings_for(args, beside=True)
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    try:
        if args.token_command == "create":
            print(create(redis, Role(args.role), args.name))
            print(f"(a {args.role} token named {args.name}: shown this once)", file=sys.stderr)
        elif args.token_command == "list":
            for token in list_tokens(redis):
                print(f"{token['name']}\t{token['role']}\t{token['created_at']}")
        else:
            revoke(redis, args.name)
            print(f"revoked {args.name}", file=sys.stderr)
    except TokenError as e:
        print(f"comments token: {e}", file=sys.stderr)
        return 1
    return 0
