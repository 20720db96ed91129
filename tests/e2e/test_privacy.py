"""Email addresses given as unique markers go through intake, moderation, publication,
events, the moderation API and the logs of a running service; then every Redis key, every
response, every event and every log line is searched for them."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from redis import Redis

from services.ops.supervisor import local_environment
from tests.e2e.client import authed, comments_cli, final_status, request, wait_for
from tests.helpers import dump, entries


def test_no_address_survives_anywhere(service: Any) -> None:
    base, _process, data_dir = service
    tag = uuid.uuid4().hex[:10]
    authors = [f"privacy.marker{n}.{tag}@mark{tag}.example" for n in range(4)]
    written = f"typed.in.text.{tag}@elsewhere{tag}.example"
    seen: list[str] = []  # every response body, as text

    def call(method: str, url: str, body: Any = None, token: str = "") -> Any:
        status, answer = authed(method, url, token, body) if token else request(method, url, body)
        seen.append(json.dumps(answer))
        return status, answer

    moderator = comments_cli(data_dir, "token", "create", "--role", "moderator", "--name", "m")
    token = moderator.stdout.strip()
    article = f"{base}/v1/articles/privacy/comments"
    first = {
        "author": {"name": "Ann", "email": authors[0]},
        "content": f"Fine piece. Mail me at {written} please.",
    }
    clean = call("POST", article, first)[1]
    held = call("POST", article, {"author": {"name": "Bob", "email": authors[1]},
                                  "content": "Sources https://a.example/1 https://b.example/2 "
                                             "https://c.example/3"})[1]  # fmt: skip
    form = urllib.parse.urlencode(
        {"comment": "Posted with the form.", "author": "Cy", "email": authors[2], "url": ""}
    ).encode()
    form_request = urllib.request.Request(
        article, data=form, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    with urllib.request.urlopen(form_request, timeout=5) as response:
        seen.append(response.read().decode())
    duplicate = call("POST", article, first)
    assert duplicate[0] == 409
    unknown_field = {"name": "Dee", "email": authors[3], "nickname": authors[3]}
    invalid = call("POST", article, {"author": unknown_field, "content": "x"})
    assert invalid[0] == 422

    for accepted in (clean, held):
        final_status(base, accepted)
    seen.append(json.dumps(final_status(base, clean)))
    seen.append(json.dumps(call("GET", f"{base}/v1/articles/privacy/comments")[1]))
    queue = call("GET", f"{base}/v1/moderation/queue", token=token)[1]
    assert [i["id"] for i in queue["items"]] == [held["id"]]
    call("GET", f"{base}/v1/moderation/comments/{held['id']}", token=token)
    assert call("POST", f"{base}/v1/moderation/comments/{held['id']}/decision",
                {"action": "approve"}, token=token)[0] == 200  # fmt: skip
    call("POST", f"{base}/v1/moderation/bans", {"scope": "author", "comment_id": clean["id"]},
         token=token)  # fmt: skip
    call("GET", f"{base}/v1/moderation/bans", token=token)
    call("GET", f"{base}/v1/moderation/audit", token=token)
    call("GET", f"{base}/v1/comments/{held['id']}")

    redis = Redis.from_url(local_environment(data_dir)["REDIS_URL"], decode_responses=True)
    wait_for(lambda: redis.zcard("comments:state:pending") == 0, 10, "every verdict")
    events = [fields for _, fields in entries(redis, "comments:events")]
    assert {e["type"] for e in events} >= {"comment.published", "comment.held"}
    stored = json.dumps(dump(redis))
    logs = (Path(data_dir).parent / "up.log").read_text()
    assert "http.request" in logs and "comment.decided" in logs
    # One request id from the HTTP request's access line to the worker's verdict.
    marker = f'"comment_id": "{clean["id"]}"'
    lines = [json.loads(line) for line in logs.splitlines() if marker in line]
    assert {line["event"] for line in lines} >= {"http.request", "comment.decided"}
    assert len({line["request_id"] for line in lines}) == 1

    places = {"responses": "\n".join(seen), "events": json.dumps(events), "logs": logs}
    for address in authors:
        local, domain = address.split("@")
        for name, text in {**places, "redis": stored}.items():
            assert local not in text and domain not in text, f"{address} found in {name}"
    local, domain = written.split("@")
    for name, text in places.items():
        assert local not in text and domain not in text, f"{written} found in {name}"
