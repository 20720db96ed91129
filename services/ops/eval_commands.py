"""`comments eval` and `comments train`: measuring the moderation on labeled files, and
learning the filter's prior from them."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from services.core.rules import Rules


def eval_command(args: argparse.Namespace) -> int:
    if not args.files and not (args.toxicity and not args.online):
        print("comments eval: give labeled FILEs (or, offline, --toxicity)", file=sys.stderr)
        return 2
    if not args.online:
        from services.core.settings import parse_fields
        from services.ops.evaluation import evaluate as run_eval

        rules = parse_fields(Rules, os.environ)
        for path in args.files:
            print(run_eval(path, rules).report(str(path)), end="\n\n")
        if args.toxicity:
            from services.ops.evaluation import toxicity_confusion

            print(toxicity_confusion(args.toxicity, rules))
        return 0
    from services.ops.evaluation import Triage
    from services.ops.online_eval import (
        check_not_trained_on,
        cross_file_prior,
        private_service,
        report,
        stream_file,
    )
    from services.ops.training import TrainedOnMeasured

    if args.url and (not args.token or args.cross_file):
        print("comments eval: --url needs --token and cannot --cross-file", file=sys.stderr)
        return 2
    overall = Triage()
    try:
        if args.cross_file:
            for path in args.files:
                with cross_file_prior(path, args.files) as prior:
                    with private_service(args.workers, prior) as (base, token):
                        triage, windows = stream_file(base, token, path)
                overall.merge(triage)
                print(report(path, triage, windows), end="\n\n", flush=True)
        else:
            prior = os.environ.get("COMMENTS_PRIOR", "")
            if not args.url:
                check_not_trained_on(prior, args.files)
            service = private_service(args.workers, prior)
            with service if not args.url else _given(args) as (base, token):
                for path in args.files:
                    triage, windows = stream_file(base, token, path)
                    overall.merge(triage)
                    print(report(path, triage, windows), end="\n\n", flush=True)
    except TrainedOnMeasured as e:
        print(f"comments eval: {e}", file=sys.stderr)
        return 2
    if len(args.files) > 1:
        title = "all files, each with its own prior" if args.cross_file else "all files, in order"
        print(overall.report(title))
    return 0


def _given(args: argparse.Namespace) -> Any:
    import contextlib

    return contextlib.nullcontext((args.url.rstrip("/"), args.token))


def train_command(args: argparse.Namespace) -> int:
    from services.core.prior import dumps
    from services.core.settings import parse_fields
    from services.ops.training import train_files

    prior = train_files(args.files, parse_fields(Rules, os.environ))
    data = dumps(prior)
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    print(
        f"comments train: {prior.spam} spam and {prior.ham} genuine comments, "
        f"{len(prior.tokens)} tokens, version {prior.version()}",
        file=sys.stderr,
    )
    return 0
