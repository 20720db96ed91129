"""End-to-end latency: from the 202 to the comment's `comment.published` event, at a steady
rate of submissions, with the API and two workers running as in production.

    .venv/bin/python bench/latency.py [--rate 200] [--seconds 30] [--workers 2] [--rounds 3]

Each round starts a fresh Valkey (append-only file on), one API and `--workers` workers
(`python -m services api|worker`, default settings, per-client limits off because the load
comes from one address). An aiohttp client in this process posts different ~1 KB comments
from different readers to 50 articles at a steady `--rate` a second, open loop: a
submission leaves on its schedule whether or not earlier ones were answered, so a slow
server cannot slow the load down and hide its own latency. For every comment answered 202 it
notes the time the answer arrived; once every comment is decided, the time Valkey stamped on
its `comment.published` event (the stream entry's id is milliseconds since the epoch, the
same clock on one machine) minus that time is its latency. The first `--warmup` seconds are
left out. The figures are the medians over the rounds of each round's percentiles, printed
against the targets (p50 50 ms, p99 250 ms) and beside the 202's own latency.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from cluster import Cluster
from redis import Redis
from worker import comment_text

from services.store import keys

TARGETS = {"p50": 50.0, "p99": 250.0}


@dataclass
class Round:
    answered_ms: dict[str, float] = field(default_factory=dict)  # comment id -> 202 arrived
    http_ms: list[float] = field(default_factory=list)  # request -> 202
    errors: int = 0
    sent: int = 0
    seconds: float = 0.0
    states: dict[str, int] = field(default_factory=dict)
    latency_ms: list[float] = field(default_factory=list)  # 202 -> published


async def post_steadily(base: str, rate: float, seconds: float, warmup: float) -> Round:
    result = Round()
    count = int(rate * seconds)
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=256)

    async def one(session: aiohttp.ClientSession, n: int, measured: bool) -> None:
        body = {
            "author": {"name": f"Reader {n}", "email": f"reader{n}@latency.example"},
            "content": comment_text(n),
        }
        sent = time.perf_counter()
        async with session.post(f"{base}/v1/articles/news-{n % 50}/comments", json=body) as r:
            answer = await r.json()
        if r.status != 202:
            result.errors += 1
            return
        if measured:
            result.answered_ms[answer["id"]] = time.time() * 1000
            result.http_ms.append((time.perf_counter() - sent) * 1000)

    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        tasks = []
        start = time.perf_counter()
        for n in range(count):
            if (wait := start + n / rate - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            tasks.append(asyncio.create_task(one(session, n, measured=n >= warmup * rate)))
            result.sent += 1
        await asyncio.gather(*tasks)
        result.seconds = time.perf_counter() - start
    return result


def wait_decided(redis: Redis, ids: list[str], timeout: float = 120.0) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        pipe = redis.pipeline(transaction=False)
        for comment_id in ids:
            pipe.hget(keys.comment(comment_id), "state")
        states = pipe.execute()
        if all(s not in (None, "pending") for s in states) or time.monotonic() > deadline:
            counts: dict[str, int] = {}
            for state in states:
                counts[str(state)] = counts.get(str(state), 0) + 1
            return counts
        time.sleep(0.5)


def published_ms(redis: Redis) -> dict[str, float]:
    """Comment id -> the millisecond Valkey added its first `comment.published` event."""
    stamped: dict[str, float] = {}
    for entry_id, fields in redis.xrange(keys.EVENTS):
        if fields["type"] == "comment.published":
            stamped.setdefault(fields["comment_id"], float(entry_id.split("-")[0]))
    return stamped


def run_round(rate: float, seconds: float, workers: int, warmup: float) -> Round:
    with tempfile.TemporaryDirectory() as tmp:
        cluster = Cluster(Path(tmp), workers)
        try:
            cluster.start()
            asyncio.run(cluster.wait_ready())
            time.sleep(2.0)  # the workers' start (imports, word lists) is not the load's
            result = asyncio.run(post_steadily(cluster.base, rate, seconds, warmup))
            redis = Redis.from_url(cluster.env["REDIS_URL"], decode_responses=True)
            result.states = wait_decided(redis, list(result.answered_ms))
            stamped = published_ms(redis)
            result.latency_ms = [
                stamped[cid] - answered
                for cid, answered in result.answered_ms.items()
                if cid in stamped
            ]
        finally:
            cluster.stop()
    return result


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    rounds = []
    for n in range(args.rounds):
        r = run_round(args.rate, args.seconds, args.workers, args.warmup)
        rounds.append(r)
        print(
            f"round {n + 1}: sent {r.sent} in {r.seconds:.1f} s ({r.sent / r.seconds:.0f}/s), "
            f"non-202 {r.errors}, states {r.states}; 202 -> published "
            f"p50 {percentile(r.latency_ms, 50):.1f} ms, p90 {percentile(r.latency_ms, 90):.1f} "
            f"ms, p99 {percentile(r.latency_ms, 99):.1f} ms, max {max(r.latency_ms):.0f} ms; "
            f"request -> 202 p50 {percentile(r.http_ms, 50):.1f} ms, "
            f"p99 {percentile(r.http_ms, 99):.1f} ms",
            flush=True,
        )

    def median(q: float, attr: str) -> float:
        return statistics.median(percentile(getattr(r, attr), q) for r in rounds)

    print(
        f"\nend to end at {args.rate:.0f}/s for {args.seconds:.0f} s, {args.workers} workers, "
        f"medians of {args.rounds} rounds (first {args.warmup:.0f} s left out)"
    )
    print(f"{'':24} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}")
    for label, attr in [("202 -> published", "latency_ms"), ("request -> 202", "http_ms")]:
        print(f"{label:24} " + " ".join(f"{median(q, attr):8.1f}" for q in (50, 90, 99)))
    p50, p99 = median(50, "latency_ms"), median(99, "latency_ms")
    print(
        f"{'target':24} {TARGETS['p50']:8.0f} {'':8} {TARGETS['p99']:8.0f}\n"
        f"{'ratio to target':24} {p50 / TARGETS['p50']:8.2f} {'':8} {p99 / TARGETS['p99']:8.2f}"
    )


if __name__ == "__main__":
    main()
