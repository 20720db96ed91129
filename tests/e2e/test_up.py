"""`comments up` as a new user runs it: a real process tree answering real HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from services.core.signing import verify
from services.ops.embedded_redis import free_port
from tests.e2e.client import authed, comments_cli, final_status, post, request, wait_for
from tests.e2e.conftest import child_processes, running_service
from tests.receiver import Receiver


def test_up_moderates_publishes_and_stops_cleanly(service: Any) -> None:
    base, process, data_dir = service
    started = time.monotonic()
    clean = post(base, "Thanks for the reporting; write to me at ada.l@example.org.")
    listed = wait_for(
        lambda: request("GET", f"{base}/v1/articles/a1/comments")[1]["comments"],
        1.0,
        "the comment in the article's list",
    )
    assert time.monotonic() - started < 1.0
    assert [c["id"] for c in listed] == [clean["id"]]
    assert listed[0]["content"] == "Thanks for the reporting; write to me at a***@e***.org."

    links = post(base, "See https://a.example/1 https://b.example/2 https://c.example/3", "b@x.org")
    assert final_status(base, links)["status"] == "held"
    profane = post(base, "This is bu11sh!t and you know it", "c@x.org")
    # The default policy publishes swearing masked.
    body = final_status(base, profane)
    assert body["status"] == "published"
    assert body["comment"]["content"] == "This is **** and you know it"

    process.send_signal(signal.SIGTERM)
    process.wait(60)
    output = (data_dir.parent / "up.log").read_text()
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
    assert (data_dir / "valkey" / "appendonlydir").is_dir()
    assert (data_dir / "secret").stat().st_mode & 0o077 == 0


def test_up_stops_with_a_clear_message_when_the_port_is_taken(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "COMMENTS_SECRET"}}
        result = subprocess.run(
            [sys.executable, "-m", "services", "up", "--port", str(port), "--workers", "1",
             "--data-dir", str(tmp_path / "data")],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_moderator_and_an_admin_work_a_running_service(service: Any) -> None:
    base, process, data_dir = service
    made = comments_cli(data_dir, "token", "create", "--role", "moderator", "--name", "alice")
    assert made.returncode == 0, made.stderr
    moderator = made.stdout.strip()
    admin = comments_cli(data_dir, "token", "create", "--role", "admin", "--name", "root")
    admin_token = admin.stdout.strip()
    site = comments_cli(data_dir, "token", "create", "--role", "site", "--name", "news")
    assert "alice\tmoderator" in comments_cli(data_dir, "token", "list").stdout

    # No token, or a site token, gets 401 or 403.
    assert authed("GET", f"{base}/v1/moderation/queue", "")[0] == 401
    assert authed("GET", f"{base}/v1/moderation/queue", site.stdout.strip())[0] == 403

    # A comment with three links waits in the queue with its reason; approved, it is public.
    held = post(base, "See https://a.example/1 https://b.example/2 https://c.example/3")
    assert final_status(base, held)["status"] == "held"
    status, queue = authed("GET", f"{base}/v1/moderation/queue", moderator)
    [item] = queue["items"]
    assert item["id"] == held["id"]
    assert any(r["check"] == "links" for r in item["verdict"]["reasons"])
    decided = authed(
        "POST", f"{base}/v1/moderation/comments/{held['id']}/decision", moderator,
        {"action": "approve"},
    )  # fmt: skip
    assert decided[0] == 200
    listed = request("GET", f"{base}/v1/articles/a1/comments")[1]["comments"]
    assert [c["id"] for c in listed] == [held["id"]]

    # A rules change is obeyed by the running workers within seconds, without a restart.
    status, current = authed("GET", f"{base}/v1/moderation/rules", admin_token)
    rules = {**current["rules"], "disallowed_words": ["miracle cure"]}
    assert authed("PUT", f"{base}/v1/moderation/rules", admin_token,
                  {"version": current["version"], "rules": rules})[0] == 200  # fmt: skip
    # The workers' rules are at most 2 s old: a comment a second (the client's rate limit
    # allows 10 a minute) until one is judged by them.
    verdicts = []
    for n in range(10):
        spam = post(base, "Try this Miracle Cure today", f"d{n}@x.org")
        verdicts.append(final_status(base, spam)["status"])
        if verdicts[-1] == "spam":
            break
        time.sleep(1)
    assert verdicts[-1] == "spam" and len(verdicts) <= 4, verdicts

    # A revoked token stops working at once.
    assert comments_cli(data_dir, "token", "revoke", "alice").returncode == 0
    assert authed("GET", f"{base}/v1/moderation/queue", moderator)[0] == 401


def test_a_killed_up_leaves_no_process_behind(service: Any) -> None:
    base, process, _ = service
    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
    ).stdout.split()
    assert len(children) >= 3  # Valkey, the API, the workers
    process.kill()
    process.wait()

    def gone() -> bool:
        return all(not Path(f"/proc/{pid}").exists() for pid in children)

    wait_for(gone, 15, "the children to stop")


def test_up_delivers_signed_webhooks(service: Any, receiver: Receiver) -> None:
    """The webhook worker `comments up` starts dispatches events and delivers them."""
    base, process, data_dir = service
    made = comments_cli(data_dir, "token", "create", "--role", "admin", "--name", "hooks")
    admin = made.stdout.strip().splitlines()[-1]
    status, webhook = authed(
        "POST", f"{base}/v1/webhooks", admin, {"url": receiver.url, "events": ["comment.published"]}
    )
    assert status == 201, webhook
    clean = post(base, "A calm and useful comment; reach me at grace@example.org.", "g@x.org")
    assert final_status(base, clean)["status"] == "published"

    wait_for(lambda: receiver.received, 10, "the webhook delivery")
    [(headers, body)] = receiver.received
    verify(webhook["secret"].encode(), body, headers["Comments-Signature"])
    assert json.loads(body)["data"]["comment_id"] == clean["id"]
    assert b"grace@example.org" not in body
    shown = authed("GET", f"{base}/v1/webhooks/{webhook['id']}", admin)[1]
    assert [d["status"] for d in shown["deliveries"]] == [200]


def test_a_second_up_on_the_same_data_dir_refuses_at_once_and_touches_nothing(
    service: Any,
) -> None:
    base, process, data_dir = service
    assert final_status(base, post(base, "Before the second one."))["status"] == "published"
    service_env = (data_dir / "service.env").read_text()
    samples = {p.name for p in (data_dir / "metrics").glob("*.db")}
    assert samples

    second = comments_up(data_dir)
    assert second.returncode == 1
    [message] = second.stderr.splitlines()
    assert f"in use by another `comments up` (pid {process.pid})" in message
    assert second.stdout == ""

    # The first one's files, Valkey, metrics and commands are as they were, and it works on.
    assert (data_dir / "service.env").read_text() == service_env
    assert samples <= {p.name for p in (data_dir / "metrics").glob("*.db")}
    server_log = (data_dir / "valkey" / "server.log").read_text()
    assert server_log.count("Ready to accept connections") == 1, server_log
    status = comments_cli(data_dir, "status")
    assert status.returncode == 0 and "workers: 3" in status.stdout, status.stderr
    assert final_status(base, post(base, "After the second one.", "b@x.org"))["status"] == (
        "published"
    )
    metrics = request_text(f"{base}/metrics")
    assert 'comments_submissions_total{outcome="accepted"} 2.0' in metrics


def test_status_without_a_reachable_service_says_so_in_one_line(tmp_path: Path) -> None:
    # What a `comments up` killed with SIGKILL leaves behind: its address, nothing on it.
    (tmp_path / "secret").write_text("0" * 64)
    (tmp_path / "service.env").write_text(f"REDIS_URL=redis://127.0.0.1:{free_port()}/0\n")
    result = comments_cli(tmp_path, "status")
    assert result.returncode == 1
    [message] = result.stderr.splitlines()
    assert message.startswith("comments status: Error 111 connecting to 127.0.0.1:"), message
    assert f"Is a `comments up` running from {tmp_path}?" in message


def comments_up(data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Another `comments up` on `data_dir` (on a port of its own), run to its end."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "COMMENTS_SECRET"}}
    return subprocess.run(
        [sys.executable, "-m", "services", "up", "--port", str(free_port()), "--workers", "1",
         "--data-dir", str(data_dir)],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip


def request_text(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode())


def test_a_killed_ups_valkey_keeps_the_data_dir_until_it_has_stopped(tmp_path: Path) -> None:
    with running_service(tmp_path) as (base, process, data_dir):
        kept = post(base, "Written before the kill.")
        assert final_status(base, kept)["status"] == "published"
        [valkey] = [p for p, args in child_processes(process.pid).items()
                    if "valkey" in args[0].decode()]  # fmt: skip
        # A Valkey slow to stop: it writes its append-only file as it exits.
        os.kill(valkey, signal.SIGSTOP)
        process.kill()
        process.wait()
        try:
            second = comments_up(data_dir)
            assert second.returncode == 1
            [message] = second.stderr.splitlines()
            assert f"pid {process.pid}, which has exited: its Valkey is still stopping" in message
            assert second.stdout == ""
        finally:
            os.kill(valkey, signal.SIGCONT)
        wait_for(lambda: not Path(f"/proc/{valkey}").exists(), 15, "the old Valkey to stop")
    with running_service(tmp_path) as (base, process, data_dir):
        assert request("GET", base + kept["links"]["self"])[1]["status"] == "published"
