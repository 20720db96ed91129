"""Reader reports on a running `comments up`, as a newsroom would see them: three readers
(three addresses behind the site's proxy) report a published comment and it leaves the page;
a moderator dismisses the reports and it is back; another one is removed for good."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.e2e.client import authed, comments_cli, final_status, post, request
from tests.e2e.conftest import running_service


def report(base: str, comment_id: str, reader: str, reason: str) -> tuple[int, Any]:
    """A report from the reader at `reader`, as the site's proxy (on loopback) forwards it."""
    req = urllib.request.Request(
        f"{base}/v1/comments/{comment_id}/reports",
        data=json.dumps({"reason": reason, "note": "Seen on the page"}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-Forwarded-For": reader},
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def public_ids(base: str) -> list[str]:
    status, page = request("GET", f"{base}/v1/articles/a1/comments")
    assert status == 200
    return [c["id"] for c in page["comments"]]


def test_readers_report_a_comment_and_moderators_decide(tmp_path: Path) -> None:
    with running_service(tmp_path, COMMENTS_TRUSTED_PROXIES="127.0.0.1") as (base, _, data):
        made = comments_cli(data, "token", "create", "--role", "moderator", "--name", "desk")
        moderator = made.stdout.strip()
        first = post(base, "A view on the council's budget that some readers dislike.")
        second = post(base, "Another view on the same budget.", email="bo@example.com")
        for accepted in (first, second):
            assert final_status(base, accepted)["status"] == "published"
        ids = {first["id"], second["id"]}
        assert set(public_ids(base)) == ids

        readers = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
        answers = [report(base, first["id"], r, "abuse") for r in readers]
        assert [(s, a["status"]) for s, a in answers] == [
            (202, "published"), (202, "published"), (202, "held"),
        ]  # fmt: skip
        assert public_ids(base) == [second["id"]]
        count = request("GET", f"{base}/v1/articles/a1/comments/count")[1]
        assert count["count"] == 1
        repeat, problem = report(base, first["id"], readers[0], "spam")
        assert repeat == 409 and problem["type"] == "/problems/already-reported"

        queue_url = f"{base}/v1/moderation/queue?state=reported"
        status, queue = authed("GET", queue_url, moderator)
        assert status == 200
        [item] = queue["items"]
        assert item["id"] == first["id"] and item["state"] == "held"
        assert item["reports"]["count"] == 3 and item["reports"]["reasons"] == {"abuse": 3}

        decision = f"{base}/v1/moderation/comments/{first['id']}/decision"
        status, decided = authed("POST", decision, moderator, {"action": "dismiss"})
        assert status == 200 and decided["state"] == "published"
        assert set(public_ids(base)) == ids
        assert authed("GET", queue_url, moderator)[1]["items"] == []

        assert report(base, second["id"], "198.51.100.9", "spam")[0] == 202
        removal = f"{base}/v1/moderation/comments/{second['id']}/decision"
        status, removed = authed("POST", removal, moderator, {"action": "remove"})
        assert status == 200 and removed["state"] == "removed"
        assert public_ids(base) == [first["id"]]
        audit = authed("GET", f"{base}/v1/moderation/audit", moderator)[1]["entries"]
        assert [e["action"] for e in audit][:3] == ["remove", "dismiss", "withdraw"]
