"""Dropped event streams against the API as `comments api` runs it: open `--streams` streams
on as many articles at once, post a comment while they are open, drop them all, then report
how long Redis still held blocked reads and what POST and /readyz answer afterwards.

    .venv/bin/python bench/streams.py --streams 500 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from cluster import Cluster
from redis import Redis


@dataclass
class Round:
    opened: Counter[int]
    open_s: float
    clients_open: int
    blocked_open: int
    post_while_open: int
    drain_s: float
    post_after: int
    ready_after: int


def blocked(redis: Redis) -> int:
    return sum("b" in client["flags"] for client in redis.client_list())  # type: ignore[union-attr]


def comment(n: int) -> dict[str, object]:
    return {
        "author": {"name": "Ann Reader", "email": f"reader{n}@example.com"},
        "content": f"A calm comment, number {n}, while streams are open.",
    }


async def one_round(cluster: Cluster, redis: Redis, streams: int, n: int) -> Round:
    base = cluster.base
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        started = time.monotonic()
        responses = await asyncio.gather(
            *(session.get(f"{base}/v1/articles/quiet-{i}/comments/stream") for i in range(streams))
        )
        open_s = time.monotonic() - started
        opened = Counter(r.status for r in responses)
        clients_open, blocked_open = len(redis.client_list()), blocked(redis)
        post_open = (
            await session.post(f"{base}/v1/articles/x/comments", json=comment(2 * n))
        ).status
        for response in responses:
            response.close()
        started = time.monotonic()
        while blocked(redis) and time.monotonic() - started < 60:
            await asyncio.sleep(0.05)
        drain_s = time.monotonic() - started
        post_after = (
            await session.post(f"{base}/v1/articles/x/comments", json=comment(2 * n + 1))
        ).status
        ready = (await session.get(f"{base}/readyz")).status
    return Round(opened, open_s, clients_open, blocked_open, post_open, drain_s, post_after, ready)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cluster = Cluster(Path(tmp), workers=0)
        try:
            cluster.start()
            asyncio.run(cluster.wait_ready())
            redis = Redis.from_url(cluster.env["REDIS_URL"], decode_responses=True)
            rounds = [
                asyncio.run(one_round(cluster, redis, args.streams, n)) for n in range(args.rounds)
            ]
        finally:
            cluster.stop()
    for i, r in enumerate(rounds, 1):
        print(f"round {i}: opened {dict(r.opened)} in {r.open_s:.2f} s; while open: "
              f"{r.clients_open} Redis clients, {r.blocked_open} blocked, "
              f"POST {r.post_while_open}; dropped: blocked reads gone after {r.drain_s:.2f} s, "
              f"POST {r.post_after}, /readyz {r.ready_after}")  # fmt: skip
    print(
        f"median time for blocked reads to go: {statistics.median(r.drain_s for r in rounds):.2f} s"
    )


if __name__ == "__main__":
    main()
