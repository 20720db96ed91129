"""`comments eval --online`: labeled comments streamed in order through a running service (HTTP
intake, real workers, decisions through the moderation API), with a simulated moderator who
decides every held comment by its true label, so the filter learns as it goes.

Without `--url`, it runs its own private service (Valkey, the API and workers, rate limits
off: the stream comes from one address at full speed, where a site's readers come from many
over days) in a temporary directory, so every run starts from the prior alone. The prior may
never have learned from a file it measures: `--cross-file` streams each file into a service
of its own whose prior learned from the other files only; otherwise a prior that lists a
measured file among its sources is refused.
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
from services.core.checks.signal import Action, Signal
from services.core.comment import State
from services.core.prior import dumps
from services.core.rules import Rules
from services.ops.embedded_redis import free_port
from services.ops.evaluation import Triage, read_labeled
from services.ops.supervisor import local_environment
from services.ops.training import TrainedOnMeasured, digest, train_files
from services.store.priors import read_prior
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
def private_service(workers: int, prior: str = "") -> Iterator[tuple[str, str]]:
    """`comments up` in a temporary directory, its filter starting from `prior` (a path, or
    `off`; empty: the shipped one); yields its URL and a moderator token."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, port = Path(tmp) / "data", free_port()
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "COMMENTS_SECRET"}}
        env.update(COMMENTS_RATE_LIMITS="off", COMMENTS_LOG_LEVEL="WARNING", COMMENTS_PRIOR=prior)
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


@contextmanager
def cross_file_prior(measured: Path, files: list[Path]) -> Iterator[str]:
    """A prior trained on every file of `files` but `measured`, as a file for COMMENTS_PRIOR
    (`off` when there is no other file); `train_files` refuses the measured file itself."""
    others = [f for f in files if digest(f) != digest(measured)]
    if not others:
        yield "off"
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prior.json"
        path.write_bytes(dumps(train_files(others, Rules(), measured=measured)))
        yield str(path)


def check_not_trained_on(prior: str, files: list[Path]) -> None:
    """Refuse to measure a file with a prior that learned from it."""
    learned = read_prior(prior)
    for path in files:
        if learned is not None and digest(path) in learned.digests():
            raise TrainedOnMeasured(
                f"the prior (COMMENTS_PRIOR={prior or 'the shipped one'}) learned from {path}: "
                "measure it with --cross-file, or with COMMENTS_PRIOR=off"
            )


def stream_file(
    base: str, token: str, path: Path, timeout: float = 30.0
) -> tuple[Triage, list[Triage]]:
    """Post every comment of `path` in order, wait for its verdict, decide it if held.
    Returns the triage of the automatic verdicts (and refusals), and the same per window."""
    article = re.sub(r"[^A-Za-z0-9._:-]", "-", path.stem)[:128]
    triage, windows = Triage(), [Triage()]
    for n, item in enumerate(read_labeled(path)):
        if windows[-1].total(True) + windows[-1].total(False) >= WINDOW:
            windows.append(Triage())
        author = item.author or f"sender-{n}"
        email = f"{hashlib.sha256(author.encode()).hexdigest()[:16]}@eval.example"
        content = _CONTROL.sub(" ", item.text).strip()[:10_000] or "(empty)"
        status, body = _call(
            "POST", f"{base}/v1/articles/{article}/comments",
            {"author": {"name": author[:245], "email": email}, "content": content},
        )  # fmt: skip
        if status in REFUSED:
            for counts in (triage, windows[-1]):
                counts.refused[item.spam] += 1
            continue
        if status != 202:
            raise RuntimeError(f"comment {n} of {path}: {status} {body}")
        state, signals = _verdict(base, token, body["id"], timeout)
        triage.add(item.spam, state, signals)
        windows[-1].add(item.spam, state, [])
        if state == State.HELD:
            action = "spam" if item.spam else "approve"
            status, _ = _call(
                "POST", f"{base}/v1/moderation/comments/{body['id']}/decision",
                {"action": action, "reason": "simulated moderator: the true label"}, token,
            )  # fmt: skip
            if status != 200:
                raise RuntimeError(f"deciding comment {n} of {path}: {status}")
    return triage, windows


REFUSED = {409, 422, 429}
"""Intake answers that lose a comment: a duplicate, an invalid submission, a rate limit."""


def _verdict(base: str, token: str, comment_id: str, timeout: float) -> tuple[State, list[Signal]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = _call("GET", f"{base}/v1/moderation/comments/{comment_id}", token=token)[1]
        if view["state"] != State.PENDING:
            reasons = view["verdict"]["reasons"] if view.get("verdict") else []
            signals = [
                Signal(r["check"], Action(r["action"]), float(r["score"]), r["detail"])
                for r in reasons
            ]
            return State(view["state"]), signals
        time.sleep(0.005)
    raise TimeoutError(f"no verdict for {comment_id} in {timeout:.0f} s")


def report(path: Path, triage: Triage, windows: list[Triage]) -> str:
    lines = [triage.report(f"{path} (online: the filter learns from the moderator)")]
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
