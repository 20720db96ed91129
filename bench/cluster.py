"""The whole service as separate processes for the benchmarks: a Valkey server with its
append-only file, one API and N workers (`python -m services api|worker`), each in its own
process group, started, stopped and restarted on demand."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp

from services.ops import embedded_redis


class Cluster:
    """Valkey, one API, N workers. `env` adds COMMENTS_* settings to the defaults here (per
    client limits off: the load comes from one address)."""

    def __init__(
        self,
        root: Path,
        workers: int,
        env: dict[str, str] | None = None,
        stop_signal: int = signal.SIGKILL,
    ) -> None:
        self.root = root
        self.stop_signal = stop_signal
        self.stopping: list[subprocess.Popen[bytes]] = []
        self.port = embedded_redis.free_port()
        self.api_port = embedded_redis.free_port()
        self.redis: embedded_redis.EmbeddedServer | None = None
        self.env = {
            **os.environ,
            "REDIS_URL": f"redis://127.0.0.1:{self.port}/0",
            "COMMENTS_SECRET": "bench-secret-0123456789",
            "COMMENTS_PORT": str(self.api_port),
            "COMMENTS_RATE_LIMITS": "off",
            "COMMENTS_LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        self.base = f"http://127.0.0.1:{self.api_port}"
        self.api: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes] | None] = [None] * workers
        self.logs = open(root / "processes.log", "ab")  # noqa: SIM115 - closed in stop()

    def start_redis(self) -> None:
        self.redis = embedded_redis.start(self.root / "valkey", durable=True, port=self.port)

    def kill_redis(self) -> None:
        assert self.redis is not None
        self.redis.process.send_signal(signal.SIGKILL)
        self.redis.process.wait()

    def _spawn(self, command: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "services", command],
            env=self.env, stdout=self.logs, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def start(self) -> None:
        self.start_redis()
        self.api = self._spawn("api")
        for i in range(len(self.workers)):
            self.workers[i] = self._spawn("worker")

    def kill_worker(self, i: int) -> None:
        """Stop worker i (and its scheduler) with the stop signal and start another in its
        place at once; one stopped with SIGTERM finishes its job meanwhile."""
        worker = self.workers[i]
        if worker and worker.poll() is None:
            os.killpg(worker.pid, self.stop_signal)
            if self.stop_signal == signal.SIGKILL:
                worker.wait()
            else:
                self.stopping.append(worker)
        self.workers[i] = self._spawn("worker")

    def restart_api(self) -> None:
        """SIGTERM the API, wait for it to finish what it started, start a new one."""
        assert self.api is not None
        os.killpg(self.api.pid, signal.SIGTERM)
        self.api.wait(30)
        self.api = self._spawn("api")

    def stop(self) -> None:
        for process in [self.api, *self.workers]:
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [self.api, *self.workers, *self.stopping]:
            if process:
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        if self.redis:
            self.redis.stop()
        self.logs.close()

    async def wait_ready(self) -> None:
        """Until the API answers /readyz with 200 (Redis reachable)."""
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                try:
                    async with session.get(f"{self.base}/readyz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError("the API did not start")
