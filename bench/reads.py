"""Reads: requests a second and latency of one API process on an article of 2,000 published
comments of about 1 KB, against a bare aiohttp handler, in the same run.

    .venv/bin/python bench/reads.py [--duration 10] [--rounds 3] [--connections 32]

The server is pinned to CPU 0; wrk (one thread) and Valkey share CPU 1, as in bench/ingest.py.
Requests (wrk, GET, the same URL every time, as readers of one popular article send):

  page    the article's first page: 50 comments, about 110 KB
  tree    the first page of threads: up to 1,000 comments, about 2.2 MB
  304     the first page again with its ETag in If-None-Match
  count   the article's comment count

Variants, rounds interleaved:

  echo     bare aiohttp answering a small JSON body: the framework's own speed (the baseline)
  bytes    bare aiohttp answering each request with the very bytes the service answers
  service  the real API as `comments api` runs it, access log on
  built    the same with COMMENTS_PAGE_CACHE_MB=0: every page built from Redis and serialised
  before   with --before PATH: the API of another checkout (`git worktree add PATH COMMIT`)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from aiohttp import web
from ingest import LOAD_CPU, SERVER_CPU, cpu_seconds, run_wrk, wait_for_port
from redis import Redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from services.ops import embedded_redis  # noqa: E402
from tests.e2e.reader_client import seed_thread  # noqa: E402

ARTICLE = "/v1/articles/long/comments"
REQUESTS = {
    "page": ARTICLE,
    "tree": f"{ARTICLE}?view=tree",
    "304": ARTICLE,
    "count": f"{ARTICLE}/count",
}
VARIANTS = ["echo", "bytes", "service", "built"]


def bytes_app(bodies: Path) -> web.Application:
    """Answers every path with the body saved for it (the etag, for a 304)."""
    saved = {p.name: p.read_bytes() for p in bodies.iterdir()}

    async def handler(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match"):
            return web.Response(status=304, headers={"ETag": request.headers["If-None-Match"]})
        name = "tree" if request.query.get("view") else request.path.rsplit("/", 1)[-1]
        return web.Response(body=saved[name], content_type="application/json")

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    return app


def echo_app() -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"article_id": "long", "count": 2000})

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    return app


def serve(variant: str, port: int, bodies: Path) -> None:
    os.sched_setaffinity(0, {SERVER_CPU})
    app = echo_app() if variant == "echo" else bytes_app(bodies)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


def start(
    variant: str, port: int, redis_url: str, bodies: Path, before: Path | None
) -> subprocess.Popen[bytes]:
    """The variant's server on SERVER_CPU; the API as `comments api` runs it (its settings, JSON
    logs to /dev/null, one access line per request) from this tree or, for `before`, that one."""
    if variant in {"echo", "bytes"}:
        command = [
            sys.executable,
            __file__,
            "--serve",
            variant,
            "--port",
            str(port),
            "--bodies",
            str(bodies),
        ]
        env, cwd = dict(os.environ), None
    else:
        command = ["taskset", "-c", str(SERVER_CPU), sys.executable, "-m", "services", "api"]
        env = {
            **os.environ,
            "COMMENTS_SECRET": "bench-secret-0123456789",
            "REDIS_URL": redis_url,
            "COMMENTS_PORT": str(port),
            "PYTHONPATH": "",
        }
        if variant == "built":
            env["COMMENTS_PAGE_CACHE_MB"] = "0"
        cwd = before if variant == "before" else ROOT
    proc = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_for_port(port)
    return proc


def save_bodies(port: int, bodies: Path) -> str:
    """The service's answers, for the `bytes` variant; returns the first page's ETag."""
    base = f"http://127.0.0.1:{port}{ARTICLE}"
    for name, url in {
        "comments": base,
        "tree": f"{base}?view=tree",
        "count": f"{base}/count",
    }.items():
        with urllib.request.urlopen(url) as response:  # noqa: S310 - loopback only
            (bodies / name).write_bytes(response.read())
            if name == "comments":
                etag = str(response.headers["ETag"])
    return etag


def measure(
    variant: str, args: argparse.Namespace, redis_url: str, bodies: Path, etag: str
) -> dict[str, dict[str, Any]]:
    before = args.before
    port = embedded_redis.free_port()
    proc = start(variant, port, redis_url, bodies, before)
    found: dict[str, dict[str, Any]] = {}
    try:
        for name, path in REQUESTS.items():
            headers = (f"If-None-Match: {etag}",) if name == "304" else ()
            before = cpu_seconds(proc.pid)
            result = run_wrk(port, args.duration, args.connections, path=path, headers=headers)
            result["server_cpu"] = cpu_seconds(proc.pid) - before
            found[name] = result
            print(f"{variant:8} {name:6} {result['rps']:8.0f} req/s  p99 {result['p99']:7.2f} ms",
                  file=sys.stderr, flush=True)  # fmt: skip
    finally:
        proc.terminate()
        proc.wait()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument(
        "--before",
        type=Path,
        help="a checkout of another commit: adds the variant `before`, its API",
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--bodies", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.bodies)
        return
    variants = args.variants.split(",") + (["before"] if args.before else [])
    results: dict[str, list[dict[str, dict[str, Any]]]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory() as tmp:
        server = embedded_redis.start(Path(tmp) / "valkey", durable=True)
        subprocess.run(["taskset", "-pc", str(LOAD_CPU), str(server.process.pid)],
                       check=True, capture_output=True)  # fmt: skip
        bodies = Path(tmp) / "bodies"
        bodies.mkdir()
        try:
            seed_thread(Redis.from_url(server.url), "long", 2000, size=1000)
            port = embedded_redis.free_port()
            proc = start("service", port, server.url, bodies, None)
            try:
                etag = save_bodies(port, bodies)
            finally:
                proc.terminate()
                proc.wait()
            for _ in range(args.rounds):
                for variant in variants:
                    results[variant].append(measure(variant, args, server.url, bodies, etag))
            sizes = {p.name: p.stat().st_size for p in bodies.iterdir()}
        finally:
            server.stop()
    report(results, variants, args, sizes)


def report(
    results: dict[str, list[dict[str, dict[str, Any]]]],
    variants: list[str],
    args: argparse.Namespace,
    sizes: dict[str, int],
) -> None:
    def med(variant: str, request: str, key: str) -> float:
        return statistics.median(r[request][key] for r in results[variant])

    print(f"\nreads, {args.connections} connections, {args.duration} s x {args.rounds} rounds, "
          f"medians; server on CPU {SERVER_CPU}, wrk and Valkey on CPU {LOAD_CPU}")  # fmt: skip
    print(f"{'variant':8} {'request':7} {'req/s':>8} {'vs echo':>8} {'vs bytes':>9} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>8} {'server CPU':>10}")  # fmt: skip
    for variant in variants:
        for request in REQUESTS:
            rps = med(variant, request, "rps")
            echo = med("echo", request, "rps") if "echo" in results else float("nan")
            same = med("bytes", request, "rps") if "bytes" in results else float("nan")
            errors = sum(r[request]["errors"] for r in results[variant])
            print(
                f"{variant:8} {request:7} {rps:8.0f} {rps / echo:8.2f} {rps / same:9.2f} "
                f"{med(variant, request, 'p50'):7.2f} {med(variant, request, 'p99'):7.2f} "
                f"{errors:8d} {med(variant, request, 'server_cpu') / args.duration:10.0%}"
            )
    print("body sizes:", ", ".join(f"{k} {v / 1000:.0f} KB" for k, v in sorted(sizes.items())))


if __name__ == "__main__":
    main()
