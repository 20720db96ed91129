"""Ingest benchmark: accepted submissions per second and latency of one API process,
against a bare aiohttp handler that only parses the same JSON and answers 202, in the same run.

    .venv/bin/python bench/ingest.py [--duration 10] [--rounds 3] [--connections 64]

Each variant runs in its own process pinned to CPU 0; wrk (Debian package `wrk`) runs pinned to
CPU 1 together with the Valkey server (AOF on, fsync every second, as in production). Every
request carries a different comment, as real traffic does. Rounds are interleaved and the
median is reported, because this machine is small and noisy.

Variants:
  echo       bare aiohttp: read the body, json.loads, answer 202 (the baseline)
  service    the real API: create_app(settings), as `comments api` runs it
  quiet      the same with COMMENTS_ACCESS_LOG=off (a proxy in front logs the requests)
  blocking   validation as in the service, then a blocking rq.Queue.enqueue in the handler
  executor   the same enqueue, in the event loop's default thread pool
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web

VARIANTS = ["echo", "service", "quiet", "blocking", "executor"]
SERVER_CPU, LOAD_CPU = 0, 1

LUA = r"""
local counter = 0
local thread_id = tostring(math.random(1, 1e9))
request = function()
  counter = counter + 1
  local body = string.format(
    '{"author":{"name":"Reader %d","email":"reader%d.%s@example.com","url":"https://blog.example/%d"},'
    .. '"content":"Comment %s-%d. I read the whole article and I think the council should publish '
    .. 'the budget figures before the vote, not after it; the last time they waited, nobody could '
    .. 'check the numbers in time. Thanks for covering this."}',
    counter, counter, thread_id, counter, thread_id, counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
"""


# --- the servers -------------------------------------------------------------------------------


def echo_app() -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        document = json.loads(await request.read())
        return web.json_response({"received": len(document)}, status=202)

    app = web.Application()
    app.router.add_post("/v1/articles/{article_id}/comments", handler)
    return app


def rq_app(redis_url: str, *, in_executor: bool) -> web.Application:
    """Validation and record as the service does, then RQ's own blocking enqueue."""
    from redis import Redis
    from rq import Queue, Retry
    from rq.serializers import JSONSerializer

    from services.core.comment import new_record, now_iso
    from services.core.ids import new_comment_id
    from services.core.submission import decode_json, parse
    from services.store import keys, queues

    connection = Redis.from_url(redis_url)
    queue = Queue(queues.MODERATION, connection=connection, serializer=JSONSerializer)

    def enqueue(comment_id: str, record: dict[str, str]) -> None:
        with connection.pipeline() as pipe:
            pipe.multi()
            pipe.hset(keys.comment(comment_id), mapping=record)  # type: ignore[arg-type]
            job = queue.create_job(
                queues.MODERATE,
                args=[comment_id],
                job_id=queues.moderation_job_id(comment_id),
                retry=Retry(max=3, interval=[5, 30, 120]),
            )
            queue.enqueue_job(job, pipeline=pipe)
            pipe.execute()

    async def handler(request: web.Request) -> web.Response:
        submission = parse(decode_json(await request.read()))
        comment_id = new_comment_id()
        record = new_record(comment_id, "a1", submission, b"bench-secret", now_iso())
        if in_executor:
            await asyncio.get_running_loop().run_in_executor(None, enqueue, comment_id, record)
        else:
            enqueue(comment_id, record)
        return web.json_response({"id": comment_id, "status": "pending"}, status=202)

    app = web.Application()
    app.router.add_post("/v1/articles/{article_id}/comments", handler)
    return app


def serve(variant: str, port: int, redis_url: str) -> None:
    os.sched_setaffinity(0, {SERVER_CPU})
    if variant == "echo":
        app = echo_app()
    elif variant in ("service", "quiet"):
        # As `comments api` runs it: its settings, its logs (to /dev/null), its access log.
        # Per-client limits off, as COMMENTS_RATE_LIMITS=off does for a benchmark: every
        # request comes from one address here. Every other check runs.
        from services.api.main import run
        from services.core import logs
        from services.core.settings import Settings

        environ = {"COMMENTS_SECRET": "bench-secret", "REDIS_URL": redis_url,
                   "COMMENTS_PORT": str(port), "COMMENTS_RATE_LIMITS": "off"}  # fmt: skip
        environ.update((k, v) for k, v in os.environ.items() if k.startswith("COMMENTS_"))
        if variant == "quiet":
            environ["COMMENTS_ACCESS_LOG"] = "off"
        settings = Settings.from_env(environ)
        logs.configure(settings.log_level)
        run(settings)
        return
    else:
        app = rq_app(redis_url, in_executor=variant == "executor")
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


# --- the harness -------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parse_latency(text: str, label: str) -> float:
    match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not match:
        return float("nan")
    value, unit = float(match[1]), match[2]
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(
    port: int,
    duration: int,
    connections: int,
    script: Path | None = None,
    path: str = "/v1/articles/a1/comments",
    headers: tuple[str, ...] = (),
    timeout_s: int = 0,
) -> dict[str, Any]:
    """wrk on LOAD_CPU against 127.0.0.1:`port`: one thread, `connections` connections, with
    `script` (a Lua request function) or GETs of `path` with `headers` ("Name: value"); an
    answer slower than `timeout_s` (0: wrk's 2 s) is counted as an error."""
    options = ["-s", str(script)] if script else []
    if timeout_s:
        options += ["--timeout", f"{timeout_s}s"]
    for header in headers:
        options += ["-H", header]
    before = os.times()
    out = subprocess.run(
        ["taskset", "-c", str(LOAD_CPU), "wrk", "-t1", f"-c{connections}", f"-d{duration}s",
         "--latency", *options, f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    after = os.times()
    requests = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),  # type: ignore[index]
        "p50": parse_latency(out, "50"),
        "p99": parse_latency(out, "99"),
        "requests": requests,
        "output": out,
        "errors": int(errors[1]) if errors else 0,
        "wrk_cpu": (after.children_user + after.children_system)
        - (before.children_user + before.children_system),
    }


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--redis-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.redis_url)
        return

    from redis import Redis

    from services.ops import embedded_redis

    variants = args.variants.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        server = embedded_redis.start(Path(tmp) / "valkey", durable=True)
        subprocess.run(["taskset", "-pc", str(LOAD_CPU), str(server.process.pid)],
                       check=True, capture_output=True)  # fmt: skip
        script = Path(tmp) / "post.lua"
        script.write_text(LUA)
        results: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
        try:
            for round_no in range(args.rounds):
                for variant in variants:
                    Redis.from_url(server.url).flushall()
                    port = embedded_redis.free_port()
                    proc = subprocess.Popen(
                        [sys.executable, __file__, "--serve", variant, "--port", str(port),
                         "--redis-url", server.url],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    )  # fmt: skip
                    try:
                        wait_for_port(port)
                        cpu_before = cpu_seconds(proc.pid)
                        result = run_wrk(port, args.duration, args.connections, script)
                        result["server_cpu"] = cpu_seconds(proc.pid) - cpu_before
                    finally:
                        proc.terminate()
                        proc.wait()
                    results[variant].append(result)
                    print(
                        f"round {round_no + 1} {variant:9} {result['rps']:8.0f} req/s  "
                        f"p50 {result['p50']:6.2f} ms  p99 {result['p99']:6.2f} ms  "
                        f"non-2xx {result['errors']}",
                        file=sys.stderr,
                        flush=True,
                    )
        finally:
            server.stop()

    baseline = statistics.median(r["rps"] for r in results[variants[0]])
    print(f"\ningest, {args.connections} connections, {args.duration}s x {args.rounds} rounds, "
          f"medians; server on CPU {SERVER_CPU}, wrk and Valkey on CPU {LOAD_CPU}")  # fmt: skip
    print(f"{'variant':10} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'non-2xx':>8} {'wrk CPU':>8} {'server CPU':>10}")  # fmt: skip
    for variant in variants:
        runs = results[variant]

        def med(key: str, runs: list[dict[str, Any]] = runs) -> float:
            return statistics.median(r[key] for r in runs)

        print(
            f"{variant:10} {med('rps'):8.0f} {med('rps') / baseline:6.2f} {med('p50'):7.2f} "
            f"{med('p99'):7.2f} {sum(r['errors'] for r in runs):8d} "
            f"{med('wrk_cpu') / args.duration:7.0%} {med('server_cpu') / args.duration:10.0%}"
        )


if __name__ == "__main__":
    main()
