"""`comments up`: Valkey, the API and N workers on one machine, restarted if they crash
(services/core/children.py), stopped in order on Ctrl-C or SIGTERM (API first, then workers finish
their jobs, then Valkey); one `comments up` per data directory."""

from __future__ import annotations

import fcntl
import os
import secrets
import sys
import time
import traceback
from pathlib import Path
from typing import TextIO

from services.api.main import API_STOP_TIMEOUT
from services.core.children import Child, stop_all, stop_on_signals, supervise
from services.ops import embedded_redis
from services.store.shared_metrics import MULTIPROC_ENV, prepare_multiprocess_dir

SERVICE_ENV = "service.env"
"""In the data directory while `comments up` runs: the REDIS_URL it uses."""
LOCK_FILE = "lock"
"""In the data directory: locked by the `comments up` that owns it, holding its pid."""
WORKER_STOP_TIMEOUT = 90.0


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
    """Run the service from `data_dir` until asked to stop; 0, or 1 if it had to stop."""
    lock = lock_data_dir(data_dir)
    if lock is None:
        return 1
    with lock:
        return _up(host, port, workers, data_dir, webhook_workers, api_processes, lock.fileno())


def lock_data_dir(data_dir: Path) -> TextIO | None:
    """An exclusive lock on `data_dir`, held while the returned file is open (the kernel drops
    it when this process ends, however it ends); None, with a message, if another process
    holds it. Taken before anything in the directory is read or written: a second `comments
    up` on it would start a second Valkey on the same files and undo the first one's setup."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = (data_dir / LOCK_FILE).open("a+")  # "a+": a refused lock must not empty the file
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = lock.read().strip()
        lock.close()
        print(
            f"comments up: {data_dir} is in use by another `comments up` ({_who(holder)}); "
            "stop that one first, or give this one another --data-dir",
            file=sys.stderr,
            flush=True,
        )
        return None
    lock.truncate(0)
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    return lock


def _who(pid: str) -> str:
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return f"pid {pid}, which has exited: its Valkey is still stopping"
    except (ValueError, OSError):  # no pid written yet, or not ours to signal
        pass
    return f"pid {pid or '?'}"


def _up(
    host: str | None,
    port: int | None,
    workers: int,
    data_dir: Path,
    webhook_workers: int,
    api_processes: int,
    lock: int,
) -> int:
    env = dict(os.environ, COMMENTS_SECRET=_secret(data_dir))
    if host:
        env["COMMENTS_HOST"] = host
    if port:
        env["COMMENTS_PORT"] = str(port)
    server = None
    if "REDIS_URL" not in env:
        # Valkey holds the lock too: killed with us, it still writes its files as it stops.
        server = embedded_redis.start(data_dir / "valkey", keep=[lock])
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
        return 1 if supervise([api, *pool], stopping, check) else 0
    finally:
        api.stop(timeout=API_STOP_TIMEOUT)
        stop_all(pool, WORKER_STOP_TIMEOUT)
        if server:
            server.stop()
        (data_dir / SERVICE_ENV).unlink(missing_ok=True)


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
        except Exception:  # a bug in a pass must not stop the API and the workers with it
            print(f"comments: reconciler failed:\n{traceback.format_exc()}", flush=True)
            return
        if report and (report.requeued or report.held):
            print(
                f"comments: reconciler requeued {report.requeued}, held {report.held}", flush=True
            )
