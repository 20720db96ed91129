"""Worker throughput: comments moderated per second by one worker process, against RQ no-op
jobs on a SimpleWorker in the same run.

    .venv/bin/python bench/worker.py [--jobs 2000] [--rounds 3]

Each round empties a Valkey server (append-only file on, as in production), accepts `--jobs`
different comments of about 1 KB through the API's own intake code, and times one worker
process (pinned to CPU 0, Valkey on CPU 1) draining the moderation queue in burst mode; then
the same number of no-op jobs (same serializer, same retry policy, one comment id argument)
drained the same way. The median of the rounds is printed with the ratio.

The comments are queued two ways: each in a job of its own, as when the workers keep up (a
worker starts each job as soon as it is queued, which closes its batch), and as a backlog,
the way a queue fills when comments come faster than the workers decide them (each comment
joins the job waiting in the queue, 16 at most). The figure is comments per second either
way; the no-op baseline is jobs per second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from rq import Queue, Retry
from rq.serializers import JSONSerializer

from services.core.settings import Settings
from services.core.submission import Submission
from services.ops import embedded_redis
from services.store import queues

SECRET = b"bench-secret"
NOOP_QUEUE = "bench-noop"
SERVER_CPU, REDIS_CPU = 0, 1

TOPICS = ["the budget", "the bus routes", "the library", "the new stadium", "the school board"]


def comment_text(n: int) -> str:
    """About 1 KB of ordinary comment, different for every n."""
    topic = TOPICS[n % len(TOPICS)]
    sentence = (
        f"Reader {n} here. I read the whole article about {topic} twice, and I think the "
        f"council should publish the figures before the vote on item {n}, not after it. "
        "The last time they waited, nobody could check the numbers in time and the library "
        "lost hours it never got back. Thanks to the reporter for covering this. "
    )
    return (sentence * 3)[:1000]


async def load_comments(settings: Settings, count: int, one_job_each: bool = False) -> None:
    """Accept `count` comments one at a time through the API's intake code. With no worker
    running they form a backlog: each joins the job waiting in the queue, 16 at most. With
    `one_job_each`, the open batch is closed after each, as a worker starting every job at
    once (workers keeping up) does: one comment per job."""
    from services.api.intake import Submitter, accept
    from services.store import keys
    from services.store.buffered_jobs import ModerationJobs, moderation_queue
    from services.store.writer import BatchWriter

    redis = AsyncRedis.from_url(settings.redis_url, decode_responses=True)
    writer = BatchWriter(redis, jobs=ModerationJobs(moderation_queue((8, 0, 0)), settings))
    flusher = asyncio.create_task(writer.run())
    for n in range(count):
        submission = Submission(
            f"Reader {n}", f"reader{n}@example.com", None, comment_text(n), None
        )
        await accept(redis, writer, settings, f"article-{n % 50}", submission, Submitter(""))
        if one_job_each:
            await redis.delete(keys.OPEN_BATCH)
    flusher.cancel()
    await redis.aclose()


@contextlib.contextmanager
def pinned_valkey() -> Iterator[tuple[Settings, Redis]]:
    """A fresh Valkey (append-only file on) pinned to REDIS_CPU, settings that point at it
    (per-client limits off: the load comes from one address), and a client."""
    with tempfile.TemporaryDirectory() as tmp:
        server = embedded_redis.start(Path(tmp) / "valkey", durable=True)
        os.sched_setaffinity(server.process.pid, {REDIS_CPU})
        client = Redis.from_url(server.url)
        try:
            yield Settings(secret=SECRET, redis_url=server.url, rate_limits=False), client
        finally:
            client.close()
            server.stop()


def load_noops(url: str, count: int) -> None:
    queue = Queue(NOOP_QUEUE, connection=Redis.from_url(url), serializer=JSONSerializer)
    for start in range(0, count, 500):
        with queue.connection.pipeline() as pipe:
            for n in range(start, min(count, start + 500)):
                queue.enqueue_call(
                    "rq_noop.noop", args=[f"{n:026d}"], retry=Retry(max=3, interval=[5, 30, 120]),
                    job_id=f"noop-{n}", pipeline=pipe,
                )  # fmt: skip
            pipe.execute()


def drain(url: str, queue_name: str, items: int | None = None) -> float:
    """Jobs (or `items`, when given) per second of one worker process draining `queue_name`."""
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(Path(__file__).parent), str(Path(__file__).parents[1])]),
        COMMENTS_SECRET=SECRET.decode(),
    )
    out = subprocess.run(
        [sys.executable, __file__, "--drain", queue_name, "--redis-url", url],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    result = json.loads(out.strip().splitlines()[-1])
    return float((items or result["jobs"]) / result["seconds"])


def run_drain(queue_name: str, url: str) -> None:
    os.sched_setaffinity(0, {SERVER_CPU})
    from rq import SimpleWorker

    from services.core import logs
    from services.worker.context import configure
    from services.worker.main import rq_log_level, settle_garbage_collector

    # As `comments worker` runs: its logs (JSON lines), its collector settings.
    settings = Settings(secret=SECRET, redis_url=url)
    logs.configure(settings.log_level)
    configure(settings)  # loads the word lists before the clock starts
    connection = Redis.from_url(url)
    queue = Queue(queue_name, connection=connection, serializer=JSONSerializer)
    jobs = queue.count
    worker = SimpleWorker([queue], connection=connection, serializer=JSONSerializer)
    settle_garbage_collector()
    start = time.perf_counter()
    worker.work(burst=True, logging_level=rq_log_level(settings))
    print(json.dumps({"jobs": jobs, "seconds": time.perf_counter() - start}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--drain", help=argparse.SUPPRESS)
    parser.add_argument("--redis-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drain:
        run_drain(args.drain, args.redis_url)
        return
    single: list[float] = []
    batched: list[float] = []
    noop: list[float] = []
    with pinned_valkey() as (settings, client):
        url = settings.redis_url
        for round_no in range(args.rounds):
            for one_job_each, results in ((True, single), (False, batched)):
                client.flushall()
                asyncio.run(load_comments(settings, args.jobs, one_job_each))
                results.append(drain(url, queues.MODERATION, items=args.jobs))
                assert_all_decided(client)
            client.flushall()
            load_noops(url, args.jobs)
            noop.append(drain(url, NOOP_QUEUE))
            print(
                f"round {round_no + 1}: one per job {single[-1]:.0f}/s, "
                f"backlog {batched[-1]:.0f}/s, no-op {noop[-1]:.0f}/s",
                file=sys.stderr,
                flush=True,
            )
    n = statistics.median(noop)
    print(f"\nworker throughput, {args.jobs} jobs x {args.rounds} rounds, medians; "
          f"one SimpleWorker on CPU {SERVER_CPU}, Valkey on CPU {REDIS_CPU}")  # fmt: skip
    print(f"{'':44} {'per s':>7} {'ratio':>6}")
    print(f"{'RQ no-op jobs (baseline)':44} {n:7.0f} {1:6.2f}")
    for label, results in (("comments, one per job (workers keeping up)", single),
                           ("comments, a backlog (up to 16 per job)", batched)):  # fmt: skip
        m = statistics.median(results)
        print(f"{label:44} {m:7.0f} {m / n:6.2f}")


def assert_all_decided(client: Redis) -> None:
    states = client.eval(
        "local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do "
        "if redis.call('HGET', k, 'state') == 'pending' then n = n + 1 end end "
        "return n", 0, "comments:comment:*",
    )  # fmt: skip
    assert states == 0, f"{states} comments still pending"


if __name__ == "__main__":
    main()
