"""The API process as operators run it: a pool on one port, and SIGTERM with requests and
streams open."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from services.ops.embedded_redis import free_port
from tests.conftest import TEST_SECRET
from tests.e2e.client import request, wait_for


def start_api(redis_url: str, log: Path, *args: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ, REDIS_URL=redis_url, COMMENTS_SECRET=TEST_SECRET.decode())
    env["COMMENTS_PORT"] = str(port)
    env["COMMENTS_RATE_LIMITS"] = "off"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "services", "api", *args], env=env, stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: request("GET", f"{base}/readyz")[0] == 200, 30, "the API")
    return process, base


def open_stream(base: str) -> Any:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", "/v1/articles/a1/comments/stream")
    response = connection.getresponse()
    assert response.status == 200
    return connection, response


def test_sigterm_ends_streams_at_once_and_exits_cleanly(redis_url: str, tmp_path: Path) -> None:
    process, base = start_api(redis_url, tmp_path / "api.log")
    streams = [open_stream(base) for _ in range(3)]
    assert request("POST", f"{base}/v1/articles/a1/comments",
                   {"author": {"name": "Ada", "email": "ada@example.com"},
                    "content": "Accepted just before the stop."})[0] == 202  # fmt: skip
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    for connection, response in streams:
        response.read()  # returns once the server ends the stream
        connection.close()
    assert process.wait(15) == 0
    assert time.monotonic() - started < 5, "open streams held the shutdown"
    output = (tmp_path / "api.log").read_text()
    assert "Traceback" not in output, output


def test_a_pool_of_api_processes_shares_the_port_and_its_metrics(
    redis_url: str, tmp_path: Path
) -> None:
    process, base = start_api(redis_url, tmp_path / "api.log", "--processes", "2")
    # Conditions awaited, with timeouts far above what a loaded machine needs: the log says
    # what happened when one passes.
    log = tmp_path / "api.log"
    children = wait_for(lambda: len(pids := _children(process.pid)) == 2 and pids, 60, "2 APIs")
    try:
        for n in range(20):
            status, _ = request("POST", f"{base}/v1/articles/a1/comments",
                                {"author": {"name": "Ada", "email": f"ada{n}@example.com"},
                                 "content": f"Comment {n}, spread over the pool."})  # fmt: skip
            assert status == 202
        # Whichever process answers the scrape counts the submissions of both.
        text = _metrics(base)
        assert 'comments_submissions_total{outcome="accepted"} 20.0' in text

        # A crashed process is replaced, however young; the pool keeps answering meanwhile.
        os.kill(children[0], signal.SIGKILL)
        wait_for(lambda: len(pids := _children(process.pid)) == 2 and children[0] not in pids,
                 60, "the crashed API replaced")  # fmt: skip
        wait_for(lambda: request("GET", f"{base}/readyz")[0] == 200, 60, "the pool ready")
    except AssertionError as e:
        raise AssertionError(f"{e}; the pool's log:\n{log.read_text()}") from e
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    assert _children(process.pid) == []


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in found.split()]


def _metrics(base: str) -> str:
    import urllib.request

    with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:
        return str(response.read().decode())
