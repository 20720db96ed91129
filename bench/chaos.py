"""Chaos harness: nothing accepted is lost, nothing is published twice, whatever is killed.

    .venv/bin/python bench/chaos.py [--comments 3000] [--workers 3] [--redis-kills 2]
    .venv/bin/python bench/chaos.py --stop-signal term --api-restarts 3 --redis-kills 0

Starts a Valkey server with its append-only file, the API and several workers, each in its
own process group. Posts the comments (16 at a time, each with an Idempotency-Key, retried
on a refused connection or a 503 as a client would) while killing a random worker with
SIGKILL every second or so and starting a new one, and killing Valkey itself with SIGKILL
`--redis-kills` times and restarting it on its files. Then waits for every comment that got
a 202 to reach a final state, and reports: accepted, final, lost, published twice.

The API runs with COMMENTS_DURABILITY=local, so a 202 means the comment and its job were
fsynced (WAITAOF): with the default (`none`), Valkey's once-a-second fsync can lose the last
second of accepted comments when Valkey itself is killed; the harness shows that too with
`--durability none`.

With `--stop-signal term` the workers are stopped the way an orchestrator stops them (SIGTERM:
finish the current job, then exit) instead of killed, and `--api-restarts N` stops the API
with SIGTERM N times during the load (it stops accepting, finishes what it started) and
starts a new one: a rolling restart under load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from cluster import Cluster
from redis import Redis

from services.store import keys

# As in production, but every step quicker, so a killed job comes back within seconds.
QUICK = {
    "COMMENTS_RECONCILE_AFTER_S": "5",
    "COMMENTS_RECONCILE_EVERY_S": "2",
    "COMMENTS_JOB_RETRY_INTERVALS": "1,2,4",
    "COMMENTS_JOB_TIMEOUT": "5",
}


@dataclass
class Report:
    accepted: int = 0
    final: int = 0
    lost: int = 0
    published_twice: int = 0
    states: dict[str, int] = field(default_factory=dict)
    worker_kills: int = 0
    redis_kills: int = 0
    api_restarts: int = 0
    retries: int = 0
    posted: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return (
            f"accepted {self.accepted}, reached a final state {self.final}, lost {self.lost}, "
            f"published twice {self.published_twice}\n"
            f"final states {self.states}; {self.worker_kills} worker stops, "
            f"{self.redis_kills} Valkey kills, {self.api_restarts} API restarts, "
            f"{self.retries} client retries, "
            f"{self.seconds:.0f} s"
        )


async def post_all(
    base: str, count: int, report: Report, rate: float, concurrency: int = 16
) -> list[str]:
    """Post `count` comments, `rate` a second at most; return the ids that got a 202. Each
    comment keeps its Idempotency-Key across retries, so a retried comment is stored once."""
    accepted: list[str] = []
    numbers = iter(range(count))
    start = time.monotonic()

    async def one(session: aiohttp.ClientSession, n: int) -> None:
        body = {
            "author": {"name": f"Reader {n}", "email": f"reader{n}@chaos.example"},
            "content": f"Comment {n}: calm words about item {n} of the council's agenda.",
        }
        for _ in range(200):
            try:
                async with session.post(
                    f"{base}/v1/articles/chaos-{n % 20}/comments",
                    json=body,
                    headers={"Idempotency-Key": f"chaos-{n}"},
                ) as response:
                    if response.status == 202:
                        accepted.append((await response.json())["id"])
                        return
                    if response.status != 503:
                        raise RuntimeError(
                            f"comment {n}: {response.status} {await response.text()}"
                        )
            except (TimeoutError, aiohttp.ClientError):
                pass
            report.retries += 1
            await asyncio.sleep(0.1)
        raise RuntimeError(f"comment {n} was never accepted")

    async def lane(session: aiohttp.ClientSession) -> None:
        for n in numbers:
            if (wait := start + n / rate - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            await one(session, n)
            report.posted += 1

    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await asyncio.gather(*(lane(session) for _ in range(concurrency)))
    return accepted


async def chaos(cluster: Cluster, report: Report, done: asyncio.Event, redis_kills: int,
                total: int, seed: int, api_restarts: int = 0) -> None:  # fmt: skip
    """Stop a random worker every second or so; kill Valkey when the posting is 1/3, 2/3,
    ... done (`redis_kills` times); restart the API likewise (`api_restarts` times)."""
    rng = random.Random(seed)
    redis_at = [total * (k + 1) // (redis_kills + 1) for k in range(redis_kills)]
    api_at = [total * (k + 1) // (api_restarts + 1) for k in range(api_restarts)]
    while not done.is_set():
        await asyncio.sleep(rng.uniform(0.5, 1.5))
        cluster.kill_worker(rng.randrange(len(cluster.workers)))
        report.worker_kills += 1
        if api_at and report.posted >= api_at[0]:
            api_at.pop(0)
            await asyncio.to_thread(cluster.restart_api)
            report.api_restarts += 1
        if redis_at and report.posted >= redis_at[0]:
            redis_at.pop(0)
            cluster.kill_redis()
            report.redis_kills += 1
            await asyncio.sleep(1.0)  # a second without Redis: the API answers 503
            cluster.start_redis()


def settle(redis_url: str, accepted: list[str], report: Report, timeout: float) -> None:
    client = Redis.from_url(redis_url, decode_responses=True)
    deadline = time.monotonic() + timeout
    states: dict[str, str] = {}
    while time.monotonic() < deadline:
        pipe = client.pipeline(transaction=False)
        for comment_id in accepted:
            pipe.hget(keys.comment(comment_id), "state")
        states = dict(zip(accepted, pipe.execute(), strict=True))
        if all(s not in (None, "pending") for s in states.values()):
            break
        time.sleep(0.5)
    counts: dict[str, int] = {}
    for state in states.values():
        counts[str(state)] = counts.get(str(state), 0) + 1
    report.states = counts
    report.final = sum(1 for s in states.values() if s not in (None, "pending"))
    report.lost = len(accepted) - report.final
    published: dict[str, int] = {}
    for _, fields in client.xrange(keys.EVENTS):
        if fields["type"] == "comment.published":
            published[fields["comment_id"]] = published.get(fields["comment_id"], 0) + 1
    report.published_twice = sum(1 for n in published.values() if n > 1)


def run(comments: int, workers: int, redis_kills: int, durability: str = "local",
        seed: int = 1, rate: float = 150.0, settle_s: float = 120.0,
        stop_signal: int = signal.SIGKILL, api_restarts: int = 0) -> Report:  # fmt: skip
    report = Report()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**QUICK, "COMMENTS_DURABILITY": durability}
        cluster = Cluster(Path(tmp), workers, env, stop_signal)
        try:
            cluster.start()
            base = cluster.base

            async def scenario() -> list[str]:
                done = asyncio.Event()
                await cluster.wait_ready()
                agent = asyncio.create_task(
                    chaos(cluster, report, done, redis_kills, comments, seed, api_restarts)
                )
                try:
                    return await post_all(base, comments, report, rate)
                finally:
                    done.set()
                    await agent

            accepted = asyncio.run(scenario())
            report.accepted = len(set(accepted))
            settle(cluster.env["REDIS_URL"], sorted(set(accepted)), report, settle_s)
        finally:
            cluster.stop()
    report.seconds = time.monotonic() - started
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--comments", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--redis-kills", type=int, default=2)
    parser.add_argument("--durability", choices=["none", "local"], default="local")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=150.0, help="comments a second, at most")
    parser.add_argument(
        "--stop-signal", choices=["kill", "term"], default="kill",
        help="how workers are stopped: SIGKILL, or SIGTERM as an orchestrator does",
    )  # fmt: skip
    parser.add_argument("--api-restarts", type=int, default=0,
                        help="times the API is stopped with SIGTERM and started again")  # fmt: skip
    args = parser.parse_args()
    report = run(
        args.comments, args.workers, args.redis_kills, args.durability, args.seed, args.rate,
        stop_signal=signal.SIGTERM if args.stop_signal == "term" else signal.SIGKILL,
        api_restarts=args.api_restarts,
    )  # fmt: skip
    print(report)
    print(json.dumps(vars(report)))
    sys.exit(0 if report.lost == 0 and report.published_twice == 0 else 1)


if __name__ == "__main__":
    main()
