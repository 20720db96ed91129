"""`comments eval --online`: labeled comments streamed in order through a running service (HTTP
intake, real workers, decisions through the moderation API), with a simulated moderator who
decides every held comment by its true label, so the filter learns as it goes.

Without `--url`, it runs its own private service (Valkey, the API and workers, rate limits
off) in a temporary directory, so every run starts from nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from redis import Redis

from services.core.access import Role
from services.core.comment import State
from services.ops.embedded_redis import free_port
from services.ops.evaluation import Triage, read_labeled
from services.ops.supervisor import local_environment
from services.store.tokens import create

WINDOW = 50
"""The learning curve's step, in comments."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _call(method: str, url: str, body: Any = None, token: str = "") -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


@contextmanager
def private_service(workers: int) -> Iterator[tuple[str, str]]:
    """`comments up` in a temporary directory; yields its URL and a moderator token."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, port = Path(tmp) / "data", free_port()
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "COMMENTS_SECRET"}}
        env.update(COMMENTS_RATE_LIMITS="off", COMMENTS_LOG_LEVEL="WARNING")
        with open(Path(tmp) / "service.log", "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "services", "up", "--port", str(port),
                 "--workers", str(workers), "--data-dir", str(data_dir)],
                env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if _call("GET", f"{base}/readyz")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError((Path(tmp) / "service.log").read_text()[-3000:])
                time.sleep(0.1)
            redis = Redis.from_url(local_environment(data_dir)["REDIS_URL"], decode_responses=True)
            token = create(redis, Role.MODERATOR, "simulated-moderator")
            redis.close()
            yield base, token
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(60)


def stream_file(
    base: str, token: str, path: Path, timeout: float = 30.0
) -> tuple[Triage, list[Triage], int]:
    """Post every comment of `path` in order, wait for its verdict, decide it if held.
    Returns the triage of the automatic verdicts, the same per window of comments, and how
    many were refused at intake as an author's repeated comment (409)."""
    article = re.sub(r"[^A-Za-z0-9._:-]", "-", path.stem)[:128]
    triage, windows, refused = Triage(), [Triage()], 0
    for n, item in enumerate(read_labeled(path)):
        author = item.author or f"sender-{n}"
        email = f"{hashlib.sha256(author.encode()).hexdigest()[:16]}@eval.example"
        content = _CONTROL.sub(" ", item.text).strip()[:10_000] or "(empty)"
        status, body = _call(
            "POST", f"{base}/v1/articles/{article}/comments",
            {"author": {"name": author[:245], "email": email}, "content": content},
        )  # fmt: skip
        if status == 409:
            refused += 1
            continue
        if status != 202:
            raise RuntimeError(f"comment {n} of {path}: {status} {body}")
        state = _verdict(base, body["links"]["self"], timeout)
        triage.add(item.spam, state, [])
        if windows[-1].total(True) + windows[-1].total(False) >= WINDOW:
            windows.append(Triage())
        windows[-1].add(item.spam, state, [])
        if state == State.HELD:
            action = "spam" if item.spam else "approve"
            status, _ = _call(
                "POST", f"{base}/v1/moderation/comments/{body['id']}/decision",
                {"action": action, "reason": "simulated moderator: the true label"}, token,
            )  # fmt: skip
            if status != 200:
                raise RuntimeError(f"deciding comment {n} of {path}: {status}")
    return triage, windows, refused


def _verdict(base: str, link: str, timeout: float) -> State:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _call("GET", f"{base}{link}")[1]["status"]
        if status != State.PENDING:
            return State(status)
        time.sleep(0.005)
    raise TimeoutError(f"no verdict for {link} in {timeout:.0f} s")


def report(path: Path, triage: Triage, windows: list[Triage], refused: int) -> str:
    lines = [triage.report(f"{path} (online: the filter learns from the moderator)")]
    lines = [lines[0].split("\nchecks")[0]]
    if refused:
        lines.append(f"refused at intake as an author's repeated comment (409): {refused}")
    lines.append(f"as it learns, per {WINDOW} comments: spam published / genuine lost / held")
    start = 0
    for window in windows:
        size = window.total(True) + window.total(False)
        if size:
            lines.append(
                f"  {start + 1:>4}-{start + size:<4} {window.spam_published():6.1%} "
                f"{window.genuine_lost():6.1%} {window.held():6.1%}"
            )
        start += size
    return "\n".join(lines)
