"""`comments up`: Valkey, the API and N workers on one machine, restarted if they crash,
stopped in order on Ctrl-C or SIGTERM (API first, then workers finish their jobs, then Valkey)."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from services.core import embedded_redis
from services.core.process import die_with_parent
from services.metrics import MULTIPROC_ENV, prepare_multiprocess_dir

SERVICE_ENV = "service.env"
"""In the data directory while `comments up` runs: the REDIS_URL it uses."""
RESTART_DELAY = 1.0
STARTUP_GRACE = 3.0
"""A child that exits sooner than this after starting is broken (a taken port, a bad
setting), not crashed: restarting it would only loop."""
WORKER_STOP_TIMEOUT = 90.0
API_STOP_TIMEOUT = 20.0
"""The API finishes in-flight requests within 10 s of SIGTERM."""


@dataclass
class Child:
    name: str
    args: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = field(default=0.0)

    def start(self) -> None:
        # Its own session: Ctrl-C reaches only us, and we stop the children in order.
        self.process = subprocess.Popen(
            self.args, env=self.env, start_new_session=True, preexec_fn=die_with_parent
        )
        self.started_at = time.monotonic()

    def stop(self, timeout: float) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            print(f"comments: {self.name} did not stop in {timeout:.0f}s; killing it", flush=True)
            self.process.kill()
            self.process.wait()


def local_environment(data_dir: Path) -> dict[str, str]:
    """REDIS_URL and COMMENTS_SECRET of a `comments up` running from `data_dir`, if any, for
    the commands a user runs beside it."""
    found = {}
    env_file = data_dir / SERVICE_ENV
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            name, _, value = line.partition("=")
            found[name] = value
    if (data_dir / "secret").exists():
        found["COMMENTS_SECRET"] = (data_dir / "secret").read_text().strip()
    return found


def _secret(data_dir: Path) -> str:
    """COMMENTS_SECRET, else one generated once and kept in the data directory."""
    if env := os.environ.get("COMMENTS_SECRET"):
        return env
    path = data_dir / "secret"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def up(
    host: str | None,
    port: int | None,
    workers: int,
    data_dir: Path,
    webhook_workers: int = 1,
    api_processes: int = 1,
) -> int:
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, COMMENTS_SECRET=_secret(data_dir))
    if host:
        env["COMMENTS_HOST"] = host
    if port:
        env["COMMENTS_PORT"] = str(port)
    server = None
    if "REDIS_URL" not in env:
        server = embedded_redis.start(data_dir / "valkey")
        env["REDIS_URL"] = server.url
        print(f"comments: Valkey on {server.url}, files in {server.data_dir}", flush=True)
    # Every process writes its metrics here; the API's /metrics shows them all.
    env[MULTIPROC_ENV] = str(data_dir / "metrics")
    prepare_multiprocess_dir(data_dir / "metrics")
    # Commands run beside this one (`comments token`, ...) find the service through this file.
    (data_dir / SERVICE_ENV).write_text(f"REDIS_URL={env['REDIS_URL']}\n")

    command = [sys.executable, "-m", "services"]
    api = Child("api", [*command, "api", "--processes", str(api_processes)], env)
    pool = [Child(f"worker-{i + 1}", [*command, "worker"], env) for i in range(workers)]
    pool += [
        Child(f"webhooks-{i + 1}", [*command, "worker", "--queue", "webhooks"], env)
        for i in range(webhook_workers)
    ]
    stopping = stop_on_signals()
    reconciler = _Reconciler(env)

    def check() -> int | None:
        reconciler.maybe_run()
        if server and server.process.poll() is not None:
            print("comments: Valkey exited; stopping", flush=True)
            return 1
        return None

    try:
        return supervise([api, *pool], stopping, check)
    finally:
        api.stop(timeout=API_STOP_TIMEOUT)
        stop_all(pool, WORKER_STOP_TIMEOUT)
        if server:
            server.stop()
        (data_dir / SERVICE_ENV).unlink(missing_ok=True)


def stop_on_signals() -> Callable[[], bool]:
    """From now on SIGINT and SIGTERM only ask to stop; the returned function tells if asked."""
    asked = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        asked.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    return asked.is_set


def supervise(
    children: list[Child], stopping: Callable[[], bool], check: Callable[[], int | None]
) -> int:
    """Start the children and keep them running until `stopping()`: one that crashes is
    restarted, one that fails as it starts stops everything (1), as does `check` returning a
    code. The caller stops the children after."""
    for child in children:
        child.start()
    while not stopping():
        if (code := check()) is not None:
            return code
        for child in children:
            assert child.process is not None
            code = child.process.poll()
            if code is not None and not stopping():
                if time.monotonic() - child.started_at < STARTUP_GRACE:
                    print(f"comments: {child.name} failed to start ({code}); stopping", flush=True)
                    return 1
                print(f"comments: {child.name} exited ({code}); restarting", flush=True)
                time.sleep(RESTART_DELAY)
                child.start()
        time.sleep(0.2)
    print("comments: stopping", flush=True)
    return 0


def stop_all(children: list[Child], timeout: float) -> None:
    """SIGTERM to all at once, then wait for each."""
    for child in children:
        if child.process and child.process.poll() is None:
            child.process.terminate()
    for child in children:
        child.stop(timeout)


class _Reconciler:
    """The reconciler, run from this loop too (the workers run it as well; a lock in Redis
    lets one run at a time)."""

    def __init__(self, env: dict[str, str]) -> None:
        from redis import Redis

        from services.core.settings import Settings

        self.settings = Settings.from_env(env)
        self.text = Redis.from_url(self.settings.redis_url, decode_responses=True)
        self.raw = Redis.from_url(self.settings.redis_url)
        self.last = time.monotonic()

    def maybe_run(self) -> None:
        from redis.exceptions import RedisError

        from services.worker.reconcile import reconcile

        if time.monotonic() - self.last < self.settings.reconcile_every_s:
            return
        self.last = time.monotonic()
        try:
            report = reconcile(self.text, self.raw, self.settings)
        except RedisError as e:
            print(f"comments: reconciler: {e}", flush=True)
            return
        if report and (report.requeued or report.held):
            print(
                f"comments: reconciler requeued {report.requeued}, held {report.held}", flush=True
            )
