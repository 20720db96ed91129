"""The operator's commands against a running `comments up`, as an operator types them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from services.ops.supervisor import local_environment
from tests.e2e.client import comments_cli, final_status, post, request

LINKS = "https://a.example/1 https://b.example/2 https://c.example/3"


def test_status_export_erase_and_rq_info(service: Any) -> None:
    base, _process, data_dir = service
    published = post(base, "Glad someone covered this.", "ann@example.org")
    held = post(base, f"Sources: {LINKS}", "ben@example.org")
    assert final_status(base, published)["status"] == "published"
    assert final_status(base, held)["status"] == "held"

    status = comments_cli(data_dir, "status", "--json")
    assert status.returncode == 0, status.stderr
    found = json.loads(status.stdout)
    assert found["comments"]["held"] == 1
    assert found["queues"]["moderation"] == {"queued": 0, "started": 0, "scheduled": 0, "failed": 0}
    assert sorted(q for w in found["workers"] for q in w["queues"]) == [
        "moderation", "moderation", "webhooks",
    ]  # fmt: skip
    assert "workers: 3" in comments_cli(data_dir, "status").stdout

    exported = comments_cli(data_dir, "export", "--article", "a1")
    assert [json.loads(line)["id"] for line in exported.stdout.splitlines()] == [published["id"]]

    erased = comments_cli(data_dir, "erase", "--email", "ann@example.org", "--reason", "T-1")
    assert erased.returncode == 0, erased.stderr
    assert "erased 1 comments (1 were published" in erased.stdout
    assert request("GET", f"{base}/v1/articles/a1/comments")[1]["comments"] == []
    assert comments_cli(data_dir, "export", "--article", "a1").stdout == ""

    # RQ's own tools read this service's queues and workers.
    env = {"PATH": str(Path(sys.executable).parent)}
    info = subprocess.run(
        [str(Path(sys.executable).parent / "rq"), "info", "--url",
         local_environment(data_dir)["REDIS_URL"], "moderation", "webhooks"],
        capture_output=True, text=True, timeout=30, env=env,
    )  # fmt: skip
    assert info.returncode == 0, info.stderr
    assert "moderation   | 0, 0 executing, 0 finished, 0 failed" in info.stdout
    assert "3 workers, 2 queues" in info.stdout
