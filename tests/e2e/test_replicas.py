"""Two API processes sharing one Redis: the rate limits hold across them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.ops.embedded_redis import free_port
from tests.conftest import TEST_SECRET
from tests.e2e.client import request, wait_for


@pytest.fixture
def two_apis(redis_url: str, tmp_path: Path) -> Iterator[list[str]]:
    ports = [free_port(), free_port()]
    processes = []
    for n, port in enumerate(ports):
        env = dict(os.environ, REDIS_URL=redis_url, COMMENTS_SECRET=TEST_SECRET.decode(),
                   COMMENTS_PORT=str(port), COMMENTS_FLOOD_CLIENT="3/60")  # fmt: skip
        with open(tmp_path / f"api{n}.log", "wb") as log:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "services", "api"],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            )
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            wait_for(lambda b=base: request("GET", f"{b}/readyz")[0] == 200, 30, base)
        yield bases
    finally:
        for process in processes:
            process.terminate()
            process.wait(30)


def test_the_rate_limit_holds_across_two_api_processes(two_apis: list[str]) -> None:
    statuses = []
    for n in range(5):
        base = two_apis[n % 2]
        body = {"author": {"name": "Al", "email": f"al{n}@example.com"}, "content": f"Point {n}."}
        statuses.append(request("POST", f"{base}/v1/articles/a1/comments", body)[0])
    assert statuses == [202, 202, 202, 429, 429]
