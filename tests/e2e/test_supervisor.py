"""`comments up` keeps its children running: workers killed young, again and again, are
restarted while the API answers; one that cannot start is given up on, with the reason; a
restarted API pool leaves the workers' metrics alone. (The data-directory lock: test_up.py.)"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from services.core.children import GIVE_UP_AFTER
from services.ops.embedded_redis import free_port
from services.store import queues
from tests.e2e.client import final_status, post, request, wait_for
from tests.e2e.conftest import child_processes, running_service

YOUNG = 1.0
"""Seconds: a worker killed before this age is killed 'within its first second'."""


def test_workers_killed_young_again_and_again_never_stop_the_service(tmp_path: Path) -> None:
    # Jobs of the first workers, killed mid-job maybe, are taken for abandoned within seconds.
    quick = {"COMMENTS_RATE_LIMITS": "off", "COMMENTS_JOB_TIMEOUT": "3",
             "COMMENTS_RECONCILE_AFTER_S": "2", "COMMENTS_RECONCILE_EVERY_S": "1",
             "COMMENTS_JOB_RETRY_INTERVALS": "1,1,1"}  # fmt: skip
    with running_service(tmp_path, **quick) as (base, process, data_dir):
        poster = Poster(base)
        poster.start()
        try:
            young = kill_workers(process, young_kills=6)
        finally:
            poster.stop()
        log = (tmp_path / "up.log").read_text()
        assert process.poll() is None, log[-3000:]
        assert young >= 6
        assert poster.refused == [], poster.refused[:5]
        assert len(poster.accepted) >= 20, "the poster barely ran"
        assert "worker-1 (pid" in log and "was killed by SIGKILL" in log, log[-3000:]

        pending = set(poster.accepted)

        def all_final() -> bool:
            assert process.poll() is None, log_tail(tmp_path)
            for link in list(pending):
                if request("GET", base + link)[1]["status"] != "pending":
                    pending.discard(link)
            return not pending

        # A loaded machine (CI shares 2 cores) restarts and reconciles slowly: the bound is
        # generous, the wait ends as soon as every comment is decided.
        try:
            wait_for(all_final, 150, f"a final state for all {len(poster.accepted)} comments")
        except AssertionError as e:
            raise AssertionError(f"{e}: {_stuck(data_dir, pending)}\n{log_tail(tmp_path)}") from e
        assert process.poll() is None


def _stuck(data_dir: Path, links: set[str]) -> list[dict[str, Any]] | str:
    """What a few comments still pending wait on: their record and their job's state."""
    from redis import Redis
    from rq.job import Job
    from rq.serializers import JSONSerializer

    from services.ops.supervisor import local_environment
    from services.store import keys

    url = local_environment(data_dir).get("REDIS_URL")
    if url is None:
        return "`comments up` has stopped"
    redis = Redis.from_url(url, decode_responses=True)
    found: list[dict[str, Any]] = []
    for link in sorted(links)[:5]:
        record = redis.hgetall(keys.comment(link.rsplit("/", 1)[-1]))
        try:
            job = Job.fetch(str(record.get("job_id", "")), connection=Redis.from_url(url),
                            serializer=JSONSerializer)  # fmt: skip
            record["job"] = f"{job.get_status()} since {job.started_at} on {job.worker_name}"
        except Exception as e:
            record["job"] = repr(e)
        found.append({k: record.get(k) for k in ("state", "job_id", "job", "reconciled")})
    found.append({"queued": redis.llen(f"rq:queue:{queues.MODERATION}"),
                  "workers": redis.scard("rq:workers"),
                  "scheduler": redis.get(f"rq:scheduler-lock:{queues.MODERATION}")})  # fmt: skip
    return found


def log_tail(tmp_path: Path) -> str:
    return (tmp_path / "up.log").read_text()[-4000:]


class Poster(threading.Thread):
    """Posts comments one after another until stopped; keeps what each answer was."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.accepted: list[str] = []
        self.refused: list[Any] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stopped.wait(0.02):  # about 30 a second: load, not a flood
            n += 1
            body = {"author": {"name": "Ada", "email": f"ada{n}@example.com"},
                    "content": f"Comment number {n}, posted while workers die."}  # fmt: skip
            try:
                status, answer = request("POST", f"{self.base}/v1/articles/a1/comments", body)
            except OSError as e:
                self.refused.append(repr(e))
                continue
            if status == 202:
                self.accepted.append(answer["links"]["self"])
            else:
                self.refused.append((status, answer))

    def stop(self) -> None:
        self.stopped.set()
        self.join(10)


def kill_workers(up: subprocess.Popen[bytes], young_kills: int) -> int:
    """SIGKILL the moderation workers of `comments up`: those running now, then each
    replacement as soon as it appears, until `young_kills` of them died within their first
    second. Returns how many died that young."""
    first = wait_for(lambda: _workers(up.pid), 10, "the workers")
    seen = set(first)
    for pid in first:
        _kill(pid)
    young = 0
    deadline = time.monotonic() + 45
    while young < young_kills:
        assert up.poll() is None, f"`comments up` stopped after {young} young workers killed"
        assert time.monotonic() < deadline, f"only {young} workers killed young"
        for pid in _workers(up.pid) - seen:
            seen.add(pid)
            # One seen late (a slow poll on a busy machine) is killed too, but not counted.
            age = _age(pid)
            young += _kill(pid) and age < YOUNG
        time.sleep(0.02)
    return young


def _kill(pid: int) -> bool:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True


def _workers(up_pid: int) -> set[int]:
    return {pid for pid, args in child_processes(up_pid).items() if args[3:] == [b"worker"]}


def _pools(up_pid: int) -> set[int]:
    return {pid for pid, args in child_processes(up_pid).items() if b"api" in args}


def _age(pid: int) -> float:
    """Seconds since the process started (infinity once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return float("inf")
    started_ticks = int(stat.rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - started_ticks / os.sysconf("SC_CLK_TCK")


def test_a_worker_that_cannot_start_is_given_up_on_with_the_reason(tmp_path: Path) -> None:
    with socket.socket() as taken:  # the worker's metrics port: it fails as it starts
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "COMMENTS_SECRET"}}
        env["COMMENTS_METRICS_PORT"] = str(taken.getsockname()[1])
        port = free_port()
        with open(tmp_path / "up.log", "wb") as log:
            up = subprocess.Popen(
                [sys.executable, "-m", "services", "up", "--port", str(port), "--workers", "1",
                 "--webhook-workers", "0", "--data-dir", str(tmp_path / "data")],
                env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            # Meanwhile the API answers: a failing worker does not take it down.
            wait_for(lambda: request("GET", f"http://127.0.0.1:{port}/readyz")[0] == 200, 30,
                     "the API")  # fmt: skip
            assert up.wait(90) == 1
        finally:
            if up.poll() is None:
                up.kill()
                up.wait()
    output = (tmp_path / "up.log").read_text()
    assert output.count("worker-1 (pid") == GIVE_UP_AFTER - 1, output
    assert "restarting it in 0.5s" in output and "restarting it in 1.0s" in output
    gave_up = f"worker-1 failed to start {GIVE_UP_AFTER} times in a row (exited with code 1)"
    assert f"comments: {gave_up}; stopping" in output, output
    assert not (tmp_path / "data" / "service.env").exists()


def test_a_restarted_api_pool_keeps_the_workers_metrics(tmp_path: Path) -> None:
    with running_service(tmp_path, "--api-processes", "2") as (base, process, _):
        assert final_status(base, post(base, "Counted by a worker."))["status"] == "published"
        counted = wait_for(lambda: _jobs_counted(base), 10, "the job in the API's metrics")

        [pool] = _pools(process.pid)
        os.kill(pool, signal.SIGKILL)
        wait_for(lambda: _pools(process.pid) - {pool}, 15, "a new pool")
        wait_for(lambda: request("GET", f"{base}/readyz")[0] == 200, 30, "the new pool")
        assert _jobs_counted(base) == counted
        assert process.poll() is None


def _jobs_counted(base: str) -> list[str]:
    """The moderation workers' job counters, as the API's /metrics shows them."""
    with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:
        text = response.read().decode()
    counters = [line for line in text.splitlines() if line.startswith("comments_jobs_total{")]
    return [line for line in counters if 'queue="moderation"' in line]


def test_a_killed_worker_leaves_no_process_behind(tmp_path: Path) -> None:
    """RQ's scheduler runs in a process the worker forks; a worker killed by SIGKILL cannot
    stop it, and it ran on as an orphan (holding the scheduler lock and a Redis connection)."""
    with running_service(tmp_path) as (_, process, _):

        def forked() -> dict[int, int]:
            return {w: c for w in _workers(process.pid) for c in child_processes(w)}

        worker, scheduler = next(iter(wait_for(forked, 30, "a worker's scheduler").items()))
        os.kill(worker, signal.SIGKILL)
        wait_for(lambda: _age(scheduler) == float("inf"), 10, "the orphaned scheduler gone")
        assert process.poll() is None
