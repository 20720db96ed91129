"""The `comments` command: one entry point for every process of the service."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from services.core import logs
from services.core.access import Role
from services.core.settings import Settings, SettingsError


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="comments", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    beside = argparse.ArgumentParser(add_help=False)
    beside.add_argument(
        "--data-dir", type=Path, default=Path(".comments"), help="of the `comments up` to use"
    )

    up = commands.add_parser(
        "up",
        help="run the whole service here: Valkey (unless REDIS_URL is set), the API and workers",
    )
    up.add_argument("--host", default=None, help="API address (default 127.0.0.1)")
    up.add_argument("--port", type=int, default=None, help="API port (default 8000)")
    up.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    up.add_argument(
        "--webhook-workers", type=int, default=1, help="webhook delivery workers (default 1)"
    )
    up.add_argument(
        "--api-processes", type=int, default=1, help="API processes sharing the port (default 1)"
    )
    up.add_argument(
        "--data-dir", type=Path, default=Path(".comments"), help="for Valkey's files and the secret"
    )

    api = commands.add_parser(
        "api", help="run the HTTP API alone (configured from the environment)"
    )
    api.add_argument("--host", default=None)
    api.add_argument("--port", type=int, default=None)
    api.add_argument(
        "--processes", type=int, default=1, help="API processes sharing the port (default 1)"
    )
    api.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)

    worker = commands.add_parser("worker", help="run one worker (from the environment)")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    worker.add_argument(
        "--queue",
        choices=["moderation", "webhooks"],
        default="moderation",
        help="moderation (default), or webhooks: deliveries and their dispatcher",
    )

    commands.add_parser(
        "reconcile",
        parents=[beside],
        help="re-enqueue comments stuck in pending, hold those that keep failing (one pass)",
    )

    token = commands.add_parser(
        "token",
        help="create, list or revoke API tokens (of the `comments up` in --data-dir, or REDIS_URL)",
    )
    token_commands = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = token_commands.add_parser(
        "create", parents=[beside], help="make a token and print it, once"
    )
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--name", required=True, help="who or what holds it, e.g. alice")
    token_commands.add_parser(
        "list", parents=[beside], help="the tokens' names, roles and creation times"
    )
    revoke = token_commands.add_parser("revoke", parents=[beside], help="revoke a token at once")
    revoke.add_argument("name")

    status = commands.add_parser(
        "status", parents=[beside], help="queues, workers, comments per state, oldest pending"
    )
    status.add_argument("--json", action="store_true", help="as JSON")
    purge = commands.add_parser(
        "purge", parents=[beside], help="delete spam and rejected comments older than N days"
    )
    purge.add_argument(
        "--older-than-days", type=int, default=None,
        help="default: COMMENTS_PURGE_AFTER_DAYS (30); workers also purge on their own",
    )  # fmt: skip
    erase = commands.add_parser(
        "erase", parents=[beside],
        help="erase everything of one email address: its comments, events, counts (GDPR)",
    )  # fmt: skip
    erase.add_argument("--email", required=True, metavar="ADDRESS")
    erase.add_argument("--reason", default="", help="kept in the audit log, e.g. a ticket number")
    export = commands.add_parser(
        "export", parents=[beside], help="an article's published comments as JSON lines"
    )
    export.add_argument("--article", required=True, metavar="ARTICLE_ID")
    export.add_argument("--output", type=Path, help="a file (default: standard output)")

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

    trainer = commands.add_parser(
        "train", help="write the spam filter's prior from labeled files (see COMMENTS_PRIOR)"
    )
    trainer.add_argument("files", nargs="+", type=Path, metavar="FILE")
    trainer.add_argument("--output", "-o", type=Path, help="a file (default: standard output)")

    args = parser.parse_args(argv)
    if args.command in {"eval", "train"}:
        from services.ops.eval_commands import eval_command, train_command

        sys.exit(eval_command(args) if args.command == "eval" else train_command(args))
    try:
        if args.command == "up":
            from services.ops.supervisor import up as run_up

            sys.exit(
                run_up(
                    args.host,
                    args.port,
                    args.workers,
                    args.data_dir,
                    args.webhook_workers,
                    args.api_processes,
                )  # fmt: skip
            )
        overrides = {k: v for k in ("host", "port") if (v := getattr(args, k, None)) is not None}
        environ: dict[str, str] = dict(os.environ)
        if args.command in {"token", "reconcile", "status", "purge", "erase", "export"}:
            from services.ops.supervisor import local_environment

            environ = {**local_environment(args.data_dir), **environ}
        settings = Settings.from_env(environ, **overrides)
    except SettingsError as e:
        parser.exit(2, f"comments: {e}\n")
    logs.configure(settings.log_level)
    if args.command == "token":
        sys.exit(_token_command(args, settings))
    if args.command == "reconcile":
        sys.exit(_reconcile_command(settings))
    if args.command in {"status", "purge", "erase", "export"}:
        from services.ops.operations import run_command

        sys.exit(run_command(args, settings))
    if args.command == "api":
        from services.api.main import run as run_api
        from services.api.main import run_pool

        if args.processes > 1:
            sys.exit(run_pool(settings, args.processes))
        run_api(settings, reuse_port=args.reuse_port)
    elif args.command == "worker":
        from services.worker.main import run as run_worker

        run_worker(settings, queue=args.queue, burst=args.burst)


def _token_command(args: argparse.Namespace, settings: Settings) -> int:
    from redis import Redis

    from services.store.tokens import TokenError, create, list_tokens, revoke

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


def _reconcile_command(settings: Settings) -> int:
    import json

    from redis import Redis

    from services.worker.reconcile import reconcile

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
