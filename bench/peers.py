"""This service beside a peer: Isso 0.14.0 (a Python comment server: gunicorn, one worker,
SQLite; its guard and moderation off) and a bare aiohttp echo, the same requests by the same
load generator in one run, on the same article of 2,000 comments of about 1 KB.

    .venv/bin/python bench/peers.py [--duration 8] [--rounds 3] [--connections 32]

The first run makes Isso's own virtual environment in bench/.peers/ (pip, from PyPI). Each
server in turn is pinned to CPU 0; wrk (one thread) and Valkey share CPU 1. Requests:

  post    a new comment (this service: `202`, the comment and its job committed, moderated
          after; Isso: `201`, stored in SQLite); every request a different comment and reader
  page    the article's first page: 50 comments (Isso: `limit=50&nested_limit=0`)
  thread  the article as threads: this service's first page of threads (1,000 comments),
          Isso's whole thread
  count   the article's count (Isso: POST /count)

`echo` answers every request with a small JSON body after reading (and, for a POST,
parsing) it: what one aiohttp process can do at all, the baseline of the ratios. Loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from aiohttp import web
from ingest import LOAD_CPU, LUA, SERVER_CPU, run_wrk, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from services.ops import embedded_redis  # noqa: E402
from tests.e2e.reader_client import seed_thread  # noqa: E402

ISSO = "isso==0.14.0"
PEERS = Path(__file__).resolve().parent / ".peers"
COMMENTS = 2000
TEXT = " ".join(["The council should publish the budget figures before the vote."] * 16)

ISSO_POST = r"""
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"text":"Comment %d. I read the whole article and I think the council should publish '
    .. 'the budget figures before the vote, not after it.","author":"Reader %d",'
    .. '"email":"reader%d@example.com","website":"https://blog.example/%d","title":"Post"}',
    counter, counter, counter, counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
"""
ISSO_COUNT = """
wrk.method = "POST"
wrk.body = '["/long"]'
wrk.headers["Content-Type"] = "application/json"
"""
PATHS = {
    "service": {
        "post": "/v1/articles/a1/comments",
        "page": "/v1/articles/long/comments",
        "thread": "/v1/articles/long/comments?view=tree",
        "count": "/v1/articles/long/comments/count",
    },
    "isso": {
        "post": "/new?uri=/bench-post",
        "page": "/?uri=/long&limit=50&nested_limit=0",
        "thread": "/?uri=/long",
        "count": "/count",
    },
}
PATHS["echo"] = PATHS["service"]


def isso_python() -> Path:
    """Isso's interpreter, in a virtual environment of its own, made on first use."""
    python = PEERS / "isso" / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS / "isso")], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", ISSO, "gunicorn"], check=True)
    return python


def echo_app() -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        body = await request.read()
        if body:
            json.loads(body)
            return web.json_response({"status": "pending"}, status=202)
        return web.json_response({"article_id": "long", "count": COMMENTS})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    return app


def start(variant: str, port: int, redis_url: str, work: Path) -> subprocess.Popen[bytes]:
    pin = ["taskset", "-c", str(SERVER_CPU)]
    env, cwd = dict(os.environ), ROOT
    if variant == "echo":
        command = [*pin, sys.executable, __file__, "--serve-echo", str(port)]
    elif variant == "service":  # as `comments api` runs it: JSON logs, one access line a request
        command = [*pin, sys.executable, "-m", "services", "api"]
        env |= {
            "COMMENTS_SECRET": "bench-secret-0123456789",
            "REDIS_URL": redis_url,
            "COMMENTS_PORT": str(port),
            "COMMENTS_RATE_LIMITS": "off",
            "PYTHONPATH": "",
        }
    else:
        config = work / "isso.cfg"
        config.write_text(
            # Isso checks at start that it can reach the site: on loopback, where nothing
            # listens (refused at once; its own port would hold its one worker for 5 s).
            f"[general]\ndbpath = {work / 'isso.db'}\nhost = http://127.0.0.1:1/\n"
            "notify = stdout\n[moderation]\nenabled = false\n[guard]\nenabled = false\n"
        )
        env |= {"ISSO_SETTINGS": str(config)}
        python = isso_python()
        command = [*pin, str(python), "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
                   "--log-level", "warning", "isso.run"]  # fmt: skip
    log = open(work / f"{variant}.log", "ab")  # noqa: SIM115 - the child holds it
    proc = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=log, stderr=log, start_new_session=True
    )
    log.close()
    wait_for_port(port)
    ready = {"echo": "/", "service": "/healthz", "isso": "/config"}[variant]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready}"):  # noqa: S310 - loopback
        pass  # answered: its worker is serving
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    """The server and its workers (gunicorn's would finish the requests wrk left)."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def seed_isso(port: int) -> None:
    """2,000 comments on /long, a fifth of them top-level, the rest replies to one of those."""
    chooser = random.Random(15)
    top: list[int] = []
    for n in range(COMMENTS):
        document: dict[str, Any] = {"text": f"Comment {n}. {TEXT}", "author": "Reader",
                                    "email": f"r{n}@example.com", "title": "Long"}  # fmt: skip
        if n % 5 and top:
            document["parent"] = chooser.choice(top)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/new?uri=/long", json.dumps(document).encode(),
            {"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request) as response:  # noqa: S310 - loopback only
            created = json.load(response)
        if n % 5 == 0:
            top.append(int(created["id"]))


def measure(
    variant: str, request: str, port: int, args: argparse.Namespace, work: Path
) -> dict[str, Any]:
    script = None
    if request == "post":
        script = work / f"{variant}-post.lua"
        script.write_text(ISSO_POST if variant == "isso" else LUA)
    elif request == "count" and variant == "isso":
        script = work / "isso-count.lua"
        script.write_text(ISSO_COUNT)
    # Isso answers its whole thread in seconds: no answer is cut off by wrk's 2 s.
    path = PATHS[variant][request]
    if variant == "service" and request == "post":
        # A fresh article each run: wrk's Lua sends the same comments again every run, which
        # this service would refuse as duplicates.
        path = f"/v1/articles/post-{random.randrange(10**9)}/comments"
    result = run_wrk(port, args.duration, args.connections, script, path, (), 120)
    print(f"{variant:8} {request:7} {result['rps']:8.1f} req/s  p99 {result['p99']:7.2f} ms",
          file=sys.stderr, flush=True)  # fmt: skip
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--serve-echo", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        web.run_app(echo_app(), host="127.0.0.1", port=args.serve_echo, access_log=None, print=None)
        return
    variants = ["echo", "service", "isso"]
    results: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        server = embedded_redis.start(work / "valkey", durable=True)
        subprocess.run(["taskset", "-pc", str(LOAD_CPU), str(server.process.pid)],
                       check=True, capture_output=True)  # fmt: skip
        try:
            from redis import Redis

            seed_thread(Redis.from_url(server.url), "long", COMMENTS, size=len(TEXT))
            port = embedded_redis.free_port()
            proc = start("isso", port, server.url, work)
            try:
                seed_isso(port)
            finally:
                stop(proc)
            for _ in range(args.rounds):
                for variant in variants:
                    found = {}
                    # A server each time: Isso's one worker is still busy with the requests
                    # wrk left unanswered when it stopped.
                    for request in PATHS[variant]:
                        port = embedded_redis.free_port()
                        proc = start(variant, port, server.url, work)
                        try:
                            found[request] = measure(variant, request, port, args, work)
                        finally:
                            stop(proc)
                    results[variant].append(found)
        finally:
            server.stop()
            if not all(r["post"]["rps"] for r in results["isso"]):
                print((work / "isso.log").read_text()[-3000:], file=sys.stderr)
    report(results, args)


def report(results: dict[str, list[dict[str, Any]]], args: argparse.Namespace) -> None:
    def med(variant: str, request: str, key: str) -> float:
        return statistics.median(r[request][key] for r in results[variant])

    print(f"\npeers, {args.connections} connections, {args.duration} s x {args.rounds} rounds, "
          f"medians; servers on CPU {SERVER_CPU}, wrk and Valkey on CPU {LOAD_CPU}")  # fmt: skip
    print(f"{'request':8} {'service':>9} {'p99 ms':>7} {'isso':>8} {'p99 ms':>7} "
          f"{'echo':>8} {'service/isso':>12} {'service/echo':>12}")  # fmt: skip
    for request in PATHS["service"]:
        ours, isso, echo = (med(v, request, "rps") for v in ("service", "isso", "echo"))
        versus = f"{ours / isso:12.1f}" if isso else f"{'(none done)':>12}"
        print(
            f"{request:8} {ours:9.0f} {med('service', request, 'p99'):7.1f} {isso:8.1f} "
            f"{med('isso', request, 'p99'):7.1f} {echo:8.0f} {versus} {ours / echo:12.2f}"
        )
    errors = {v: sum(r[q]["errors"] for r in results[v] for q in r) for v in results}
    print("non-2xx answers:", errors)


if __name__ == "__main__":
    main()
