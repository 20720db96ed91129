"""Memory: resident size of the API and of a worker after 100,000 comments.

    .venv/bin/python bench/memory.py [--comments 100000] [--workers 1]

Starts a fresh Valkey (append-only file on), one API and `--workers` workers (`python -m
services api|worker`, default settings, INFO logs to a file, per-client limits off because
the load comes from one address), posts `--comments` different ~1 KB comments from different
readers to 2,000 articles, 64 at a time, and waits until every one is decided. Meanwhile it
reads each process's resident size (VmRSS in /proc) every second. Prints, per process: the
size once started and ready (the baseline), after each quarter of the comments, at the end,
and the peak (VmHWM), with the ratio of the end to the start.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import threading
import time
from pathlib import Path

import aiohttp
from cluster import Cluster
from redis import Redis
from worker import comment_text

from services.store import keys

LIMIT_MB = 100.0


def status_mb(pid: int, field: str) -> float:
    """VmRSS or VmHWM of a process, in MB (2^20 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def group_pids(leader: int) -> list[int]:
    """The process and the processes it started in its group (a worker's RQ scheduler)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == leader:  # field 5 of stat, the process group
            pids.append(int(stat.parent.name))
    return sorted(pids)


async def post_all(base: str, count: int, accepted: list[str], concurrency: int = 64) -> None:
    numbers = iter(range(count))

    async def lane(session: aiohttp.ClientSession) -> None:
        for n in numbers:
            body = {
                "author": {"name": f"Reader {n}", "email": f"reader{n}@memory.example"},
                "content": comment_text(n),
            }
            async with session.post(f"{base}/v1/articles/news-{n % 2000}/comments", json=body) as r:
                if r.status != 202:
                    raise RuntimeError(f"comment {n}: {r.status} {await r.text()}")
                accepted.append((await r.json())["id"])

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        await asyncio.gather(*(lane(session) for _ in range(concurrency)))


def undecided(redis: Redis, ids: list[str]) -> int:
    left = 0
    for start in range(0, len(ids), 10_000):
        pipe = redis.pipeline(transaction=False)
        for comment_id in ids[start : start + 10_000]:
            pipe.hget(keys.comment(comment_id), "state")
        left += sum(1 for s in pipe.execute() if s in (None, "pending"))
    return left


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        cluster = Cluster(Path(tmp), args.workers, {"COMMENTS_LOG_LEVEL": "INFO"})
        try:
            cluster.start()
            asyncio.run(cluster.wait_ready())
            time.sleep(3.0)  # the workers finish starting
            assert cluster.api is not None
            roles = {cluster.api.pid: "api"}
            for i, worker in enumerate(cluster.workers):
                assert worker is not None
                for pid in group_pids(worker.pid):
                    roles[pid] = f"worker {i + 1}" + ("" if pid == worker.pid else " (scheduler)")
            redis = Redis.from_url(cluster.env["REDIS_URL"], decode_responses=True)
            accepted: list[str] = []
            samples: list[tuple[str, dict[int, float]]] = []

            def sample(label: str) -> None:
                samples.append((label, {pid: status_mb(pid, "VmRSS") for pid in roles}))

            sample("ready")
            quarters = [args.comments * q // 4 for q in (1, 2, 3)]
            stop = threading.Event()

            def watch() -> None:
                while not stop.wait(1.0):
                    if quarters and len(accepted) >= quarters[0]:
                        sample(f"{quarters.pop(0):,} accepted")

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            started = time.monotonic()
            asyncio.run(post_all(cluster.base, args.comments, accepted))
            posted = time.monotonic() - started
            stop.set()
            watcher.join()
            sample(f"{len(accepted):,} accepted")
            while (left := undecided(redis, accepted)) > 0:
                print(f"  {left:,} comments still to decide", flush=True)
                time.sleep(5.0)
            decided = time.monotonic() - started
            sample(f"{len(accepted):,} decided")
            peaks = {pid: status_mb(pid, "VmHWM") for pid in roles}
            used_mb = int(redis.info("memory")["used_memory"]) / 2**20
        finally:
            cluster.stop()

    print(
        f"\n{len(accepted):,} comments accepted in {posted:.0f} s, all decided after "
        f"{decided:.0f} s; Valkey holds {used_mb:,.0f} MB"
    )
    print(f"{'resident MB':18} " + "".join(f"{role:>22}" for role in roles.values()))
    for label, sizes in samples:
        print(f"{label:18} " + "".join(f"{sizes[pid]:22.1f}" for pid in roles))
    print(f"{'peak (VmHWM)':18} " + "".join(f"{peaks[pid]:22.1f}" for pid in roles))
    first, last = samples[0][1], samples[-1][1]
    print(f"{'end / ready':18} " + "".join(f"{last[pid] / first[pid]:22.2f}" for pid in roles))
    met = all(peak < LIMIT_MB for peak in peaks.values())
    print(f"target: every process under {LIMIT_MB:.0f} MB: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
