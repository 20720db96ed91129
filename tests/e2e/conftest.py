"""The `service` fixture: `comments up` in a temporary directory, as a new user runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.core.embedded_redis import free_port
from tests.e2e.client import request, wait_for


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Any]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "COMMENTS_SECRET"}}
    env["COMMENTS_AUDIT_RATE"] = "0"  # no random audit sample: the tests know each verdict
    # Output to a file: a pipe nobody reads would fill and stall the service.
    with open(tmp_path / "up.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "services", "up", "--port", str(port), "--workers", "2",
             "--data-dir", str(tmp_path / "data")],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: request("GET", f"{base}/readyz")[0] == 200, 30, "the API")
        yield base, process, tmp_path / "data"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
