"""What one comment costs Redis: commands, server CPU time and memory, for sizing.

    .venv/bin/python bench/redis_cost.py [--comments 5000] [--rounds 3]

Each round empties a Valkey server (append-only file on, as in production), accepts
`--comments` different comments of about 1 KB through the API's own intake code, then one
worker process moderates them all (bench/worker.py's loader and drain: the comments queue
up as a backlog, up to 16 per job). Valkey's own counters (INFO stats, cpu, memory) are read
before and after each phase. Memory is measured twice: while the comments wait in the queue,
and once decided (finished moderation jobs are deleted at once): the steady cost of a stored
comment.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path
from typing import Any

from redis import Redis

sys.path.insert(0, str(Path(__file__).parent))
from worker import drain, load_comments, pinned_valkey  # noqa: E402

from services.core.settings import Settings  # noqa: E402
from services.store import queues  # noqa: E402


def counters(client: Redis) -> dict[str, float]:
    info: dict[str, Any] = client.info()
    return {
        "commands": float(info["total_commands_processed"]),
        "cpu_s": float(info["used_cpu_user"]) + float(info["used_cpu_sys"]),
        "memory": float(info["used_memory"]),
    }


def one_round(client: Redis, settings: Settings, count: int) -> dict[str, float]:
    client.execute_command("FLUSHALL", "SYNC")  # Valkey frees lazily otherwise: memory lags
    start = counters(client)
    asyncio.run(load_comments(settings, count))
    queued = counters(client)
    drain(settings.redis_url, queues.MODERATION)
    decided = counters(client)
    return {
        "intake commands": (queued["commands"] - start["commands"]) / count,
        "intake cpu us": (queued["cpu_s"] - start["cpu_s"]) * 1e6 / count,
        "moderation commands": (decided["commands"] - queued["commands"]) / count,
        "moderation cpu us": (decided["cpu_s"] - queued["cpu_s"]) * 1e6 / count,
        "bytes queued": (queued["memory"] - start["memory"]) / count,
        "bytes decided": (decided["memory"] - start["memory"]) / count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rounds: list[dict[str, float]] = []
    with pinned_valkey() as (settings, client):
        for n in range(args.rounds):
            rounds.append(one_round(client, settings, args.comments))
            print(f"round {n + 1}: " + ", ".join(f"{k} {v:.0f}" for k, v in rounds[-1].items()),
                  file=sys.stderr, flush=True)  # fmt: skip
    print(f"\nRedis cost per comment, {args.comments} comments of ~1 KB x {args.rounds} rounds, "
          "medians")  # fmt: skip
    for name in rounds[0]:
        print(f"{name:22} {statistics.median(r[name] for r in rounds):8.0f}")


if __name__ == "__main__":
    main()
