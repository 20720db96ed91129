"""Talking to a running `comments up` as a user would: urllib, the CLI, a deadline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any


def request(method: str, url: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def wait_for(predicate: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := predicate():
                return result
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def post(base: str, content: str, email: str = "ada@example.com") -> dict[str, Any]:
    status, accepted = request(
        "POST",
        f"{base}/v1/articles/a1/comments",
        {"author": {"name": "Ada", "email": email}, "content": content},
    )
    assert status == 202, accepted
    return dict(accepted)


def final_status(base: str, accepted: dict[str, Any]) -> dict[str, Any]:
    link = base + accepted["links"]["self"]
    return dict(
        wait_for(
            lambda: (body := request("GET", link)[1])["status"] != "pending" and body,
            10,
            "a verdict",
        )
    )


def comments_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "COMMENTS_SECRET"}}
    return subprocess.run(
        [sys.executable, "-m", "services", *args, "--data-dir", str(data_dir)],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip


def authed(
    method: str, url: str, token: str, body: dict[str, Any] | None = None
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url, data=data, method=method,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())
