"""Schemathesis against the live API's /openapi.json: every check, a fixed seed, a bounded
number of cases, and the stateful phase, which follows the document's links with an admin
token. No 5xx, no answer that breaks the documented schema, nothing stored for a request the
API refused."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from redis import Redis

from services.core.access import Role
from services.ops.embedded_redis import free_port
from services.store.tokens import create
from tests.conftest import LOOPBACK, TEST_SECRET
from tests.e2e.client import request, wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_schemathesis_finds_nothing(redis_url: str, redis: Redis, tmp_path: Path) -> None:
    port = free_port()
    env = dict(
        os.environ,
        REDIS_URL=redis_url,
        COMMENTS_SECRET=TEST_SECRET.decode(),
        COMMENTS_PORT=str(port),
        COMMENTS_RATE_LIMITS="off",
        COMMENTS_LOG_LEVEL="WARNING",
        COMMENTS_WEBHOOK_ALLOW_NETWORKS=",".join(LOOPBACK),  # the hooks' one webhook URL
        COMMENTS_WEBHOOK_ONLY_NETWORKS=",".join(LOOPBACK),
    )
    with open(tmp_path / "api.log", "wb") as log:
        api = subprocess.Popen(
            [sys.executable, "-m", "services", "api"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: request("GET", f"{base}/readyz")[0] == 200, 30, "the API")
        admin = create(redis, Role.ADMIN, "fuzzer")
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"), "run", f"{base}/openapi.json",
                "--checks", "all", "--max-examples", "8", "--generation-deterministic",
                "--header", f"Authorization: Bearer {admin}",
                "--exclude-path", "/v1/moderation/stream",  # an endless event stream
                "--phases", "examples,coverage,fuzzing,stateful",
                "--max-time", "240", "--request-timeout", "10",
            ],
            env={**env, "SCHEMATHESIS_HOOKS": "tests.fuzz_hooks", "FUZZ_REDIS_URL": redis_url,
                 "PYTHONPATH": str(ROOT)},
            capture_output=True, text=True, timeout=600, cwd=ROOT,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
        # The stateful phase follows the links (a webhook made, then read, tested, deleted):
        # it must have had its turn before the time limit.
        scenarios = re.search(r"Stateful \(in [^)]*\)\s+Scenarios:\s+(\d+)", result.stdout)
        assert scenarios and int(scenarios[1]) > 0, result.stdout[-8000:]
        assert "Traceback" not in (tmp_path / "api.log").read_text()
    finally:
        api.terminate()
        api.wait(30)
