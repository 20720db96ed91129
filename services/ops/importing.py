"""`comments import`: a file read as a stream, its comments stored, a running count on the
terminal and a summary of what was skipped and why."""

from __future__ import annotations

import argparse
import sys
import time
import xml.etree.ElementTree as ET

from redis import Redis

from services.core import imported
from services.core.settings import Settings
from services.ops.operations import unknown_site
from services.store.imports import Importer, import_audit

PROGRESS_EVERY_S = 0.5


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    if unknown_site(args):
        return 2
    allowed = {"wxr": ("post_name", "post_id", "link"), "disqus": ("id", "link")}[args.format]
    article_by = args.article_id or allowed[0]
    if article_by not in allowed:
        print(f"comments import: --article-id for {args.format} is one of "
              f"{', '.join(allowed)}", file=sys.stderr)  # fmt: skip
        return 2
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    importer = Importer(redis, settings, source=args.format, moderate=args.moderate)
    progress = _Progress(importer)
    try:
        with args.file.open("rb") as stream:
            read = imported.wxr if args.format == "wxr" else imported.disqus
            importer.run(read(stream, article_by), progress)
    except (OSError, ET.ParseError) as e:
        # What was stored before stays; running the import again goes on from there.
        print(f"comments import: {args.file}: {e}", file=sys.stderr)
        return 1
    finally:
        progress.done()
        import_audit(redis, args.format, importer.summary, actor="comments import")
        redis.close()
    print(importer.summary.line())
    return 0


class _Progress:
    """`read N: imported N, already N, skipped N` on one line, rewritten every half second
    on a terminal (a line every 10,000 comments in a log)."""

    def __init__(self, importer: Importer) -> None:
        self.importer, self.read, self.last = importer, 0, 0.0
        self.terminal = sys.stderr.isatty()

    def __call__(self) -> None:
        self.read += 1
        now = time.monotonic()
        if (self.terminal and now - self.last >= PROGRESS_EVERY_S) or (
            not self.terminal and self.read % 10_000 == 0
        ):
            self.last = now
            self._show()

    def done(self) -> None:
        if self.read:
            self._show()
            if self.terminal:
                sys.stderr.write("\n")

    def _show(self) -> None:
        s = self.importer.summary
        line = (f"read {self.read}: imported {sum(s.imported.values())}, already {s.already}, "
                f"skipped {sum(s.skipped.values())}")  # fmt: skip
        sys.stderr.write(f"\r{line}" if self.terminal else f"{line}\n")
        sys.stderr.flush()
