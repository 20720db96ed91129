"""What reading a long thread costs: pages of threads (`?view=tree&cursor=`) and the counts of
a front page, against the flat list's first page in the same run.

    .venv/bin/python bench/reader_pages.py [--sizes 2500,10000] [--requests 200] [--rounds 3]

Each round starts a fresh Valkey and one API (`python -m services api`, no workers: nothing is
moderated), writes threads of each size straight into the store as the transition script
leaves them (a fifth top-level comments, the rest replies to an earlier comment at random),
then asks each kind of page `--requests` times, one at a time, from one aiohttp client, with
no If-None-Match (every answer is built). Printed: requests a second, medians over the rounds,
and each against the flat first page (50 comments) of the same thread.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import aiohttp
from cluster import Cluster
from redis import Redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.e2e.reader_client import seed_thread  # noqa: E402


async def rate(session: aiohttp.ClientSession, url: str, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        async with session.get(url) as response:
            assert response.status == 200, await response.text()
            await response.read()
    return requests / (time.perf_counter() - started)


async def measure(base: str, sizes: list[int], requests: int) -> dict[str, float]:
    found: dict[str, float] = {}
    async with aiohttp.ClientSession() as session:
        for size in sizes:
            article = f"{base}/v1/articles/long-{size}/comments"
            async with session.get(f"{article}?view=tree") as response:
                cursor = (await response.json())["next_cursor"]
            pages = {
                "flat, first 50": f"{article}",
                "flat, newest 50": f"{article}?order=newest",
                "tree, first page": f"{article}?view=tree",
                "tree, second page": f"{article}?view=tree&cursor={cursor}",
                "tree, newest first page": f"{article}?view=tree&order=newest",
            }
            for name, url in pages.items():
                found[f"{size:>6} comments, {name}"] = await rate(session, url, requests)
        query = urllib.parse.urlencode([("article_id", f"front-{n}") for n in range(50)])
        found["counts of 50 articles"] = await rate(session, f"{base}/v1/counts?{query}", requests)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2500,10000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rounds: list[dict[str, float]] = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            cluster = Cluster(Path(tmp), workers=0)
            cluster.start()
            try:
                asyncio.run(cluster.wait_ready())
                redis = Redis.from_url(cluster.env["REDIS_URL"], decode_responses=True)
                for size in sizes:
                    seed_thread(redis, f"long-{size}", size)
                for n in range(50):
                    seed_thread(redis, f"front-{n}", n % 7, top_level_every=1)
                rounds.append(asyncio.run(measure(cluster.base, sizes, args.requests)))
            finally:
                cluster.stop()
    print(f"requests/s, one client, medians of {args.rounds} rounds")
    medians = {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}
    for name, value in medians.items():
        size = name.split(" comments")[0]
        baseline = medians.get(f"{size} comments, flat, first 50")
        ratio = f"{value / baseline:5.2f}x flat" if baseline and "comments," in name else ""
        print(f"{name:<42} {value:8.0f}  {ratio}")


if __name__ == "__main__":
    main()
