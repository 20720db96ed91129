"""The `service` fixture: `comments up` in a temporary directory, as a new user runs it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from services.ops.embedded_redis import free_port
from tests.e2e.client import request, wait_for


@contextmanager
def running_service(tmp_path: Path, *args: str, **environ: str) -> Iterator[tuple[str, Any, Path]]:
    """`comments up` on a free port, with `args` added to its command line and `environ` to
    its environment; yields its base URL, process and data directory, and stops it after."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "COMMENTS_SECRET"}}
    env["COMMENTS_AUDIT_RATE"] = "0"  # no random audit sample: the tests know each verdict
    # Verdicts from the rules alone, as these tests were written for (the prior has its own).
    env["COMMENTS_PRIOR"] = "off"
    env.update(environ)
    # Output to a file: a pipe nobody reads would fill and stall the service.
    with open(tmp_path / "up.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "services", "up", "--port", str(port), "--workers", "2",
             "--data-dir", str(tmp_path / "data"), *args],
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


def child_processes(pid: int) -> dict[int, list[bytes]]:
    """The processes `pid` started, with their command lines."""
    found = {}
    for child in map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split()):
        try:
            found[child] = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")[:-1]
        except FileNotFoundError:
            continue
    return found


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[str, Any, Path]]:
    with running_service(tmp_path) as running:
        yield running


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium: install Debian's chromium package (.ci/run does) to run the browser tests",
)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """Headless Chromium (Debian's package) driven by Playwright."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
        )  # fmt: skip
        yield browser
        await browser.close()
