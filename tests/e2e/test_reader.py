"""Issue 15, the reader's side, through a running `comments up`: a reader edits their comment
(judged again) and deletes it with the edit token; threads of thousands read newest first and
a page of whole threads at a time; the counts of a front page in one request; the plain HTML
form lands back on the article at the comment."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis import Redis

from services.core.ids import id_time_ms
from services.ops.supervisor import local_environment
from services.store import keys
from tests.e2e.client import comments_cli, final_status, wait_for
from tests.e2e.conftest import running_service
from tests.e2e.reader_client import call, seed_thread
from tests.helpers import entries

EDIT_WINDOW_S = 10
SITE = "http://news.localhost:8080"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": BROWSER_ACCEPT}


@pytest.fixture(scope="module")
def up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Redis]]:
    tmp_path = tmp_path_factory.mktemp("reader")
    with running_service(
        tmp_path,
        COMMENTS_EDIT_WINDOW_S=str(EDIT_WINDOW_S),
        COMMENTS_CORS_ORIGINS=SITE,
        COMMENTS_FLOOD_CLIENT="100/60",  # every test posts from 127.0.0.1
    ) as (base, _process, data_dir):
        redis = Redis.from_url(local_environment(data_dir)["REDIS_URL"], decode_responses=True)
        yield base, data_dir, redis


def post(base: str, article: str, content: str, email: str, **extra: Any) -> dict[str, Any]:
    document = {"author": {"name": "Ada", "email": email}, "content": content, **extra}
    status, _, accepted = call("POST", f"{base}/v1/articles/{article}/comments", document)
    assert status == 202, accepted
    return dict(accepted)


def listed(base: str, article: str) -> dict[str, str]:
    """The article's published comments: id -> content, in publication order."""
    _, _, page = call("GET", f"{base}/v1/articles/{article}/comments?limit=200")
    return {c["id"]: c["content"] for c in page["comments"]}


def test_a_reader_edits_their_comment_it_is_judged_again_then_they_delete_it(up: Any) -> None:
    base, data_dir, redis = up
    first = post(base, "story", "Good reporting on the council vote.", "ann@example.com")
    token = first["edit_token"]
    assert len(token) >= 32
    assert final_status(base, first)["status"] == "published"
    reply = post(base, "story", "I agree with Ann.", "bob@example.com", parent_id=first["id"])
    assert final_status(base, reply)["status"] == "published"
    url = f"{base}/v1/comments/{first['id']}"

    # Without the token, or with another comment's, nothing changes.
    for headers in ({}, {"Edit-Token": reply["edit_token"]}, {"Edit-Token": "x" * 43}):
        for method in ("PATCH", "DELETE"):
            status, got, problem = call(method, url, {"content": "Hijacked."}, headers)
            assert status == 403, problem
            assert got["content-type"].startswith("application/problem+json")
    assert listed(base, "story")[first["id"]] == "Good reporting on the council vote."

    # An edit is judged as a new comment: three links are held for a moderator.
    links = "Sources: https://a.example/1 https://b.example/2 https://c.example/3"
    status, _, edited = call("PATCH", url, {"content": links}, {"Edit-Token": token})
    assert status == 202 and edited["status"] == "pending", edited
    assert first["id"] not in listed(base, "story")  # out of public view until judged
    assert final_status(base, first)["status"] == "held"
    assert first["id"] not in listed(base, "story")

    # Fixed again: published with the new text, in its old place, its reply still under it.
    status, _, _ = call(
        "PATCH", url, {"content": "Good reporting, fixed typo."}, {"Edit-Token": token}
    )
    assert status == 202
    assert final_status(base, first)["status"] == "published"
    assert list(listed(base, "story").items()) == [
        (first["id"], "Good reporting, fixed typo."),
        (reply["id"], "I agree with Ann."),
    ]

    status, _, body = call("DELETE", url, headers={"Edit-Token": token})
    assert status == 204, body
    assert call("GET", url)[2]["status"] == "removed"
    assert list(listed(base, "story")) == [reply["id"]]  # the reply is kept
    events = [fields for _, fields in entries(redis, keys.EVENTS)]
    assert {"type": "comment.removed", "comment_id": first["id"]}.items() <= events[-1].items()
    # Deleting again is no error: it is gone.
    assert call("DELETE", url, headers={"Edit-Token": token})[0] == 204

    moderator = comments_cli(data_dir, "token", "create", "--role", "moderator", "--name", "m")
    bearer = {"Authorization": f"Bearer {moderator.stdout.strip()}"}
    _, _, audit = call("GET", f"{base}/v1/moderation/audit", headers=bearer)
    mine = [
        e for e in audit["entries"] if e["comment_id"] == first["id"] and e["actor"] == "author"
    ]
    assert [(e["action"], e["from"], e["to"]) for e in mine] == [
        ("delete", "published", "removed"),
        ("edit", "held", "pending"),
        ("edit", "published", "pending"),
    ]
    # The token is nowhere in the store: only its keyed hash.
    assert not [
        k for k in redis.scan_iter(match="comments:*") if token in json.dumps(_dump(redis, k))
    ]


def _dump(redis: Redis, key: str) -> Any:
    kind = redis.type(key)
    if kind == "hash":
        return redis.hgetall(key)
    if kind == "string":
        return redis.get(key)
    if kind == "stream":
        return entries(redis, key)
    return None


def test_an_edit_after_the_window_is_refused_and_deleting_still_works(up: Any) -> None:
    base, _, _ = up
    accepted = post(base, "late", "Posted and left alone for a while.", "cy@example.com")
    assert final_status(base, accepted)["status"] == "published"
    url = f"{base}/v1/comments/{accepted['id']}"
    headers = {"Edit-Token": accepted["edit_token"]}
    closes = id_time_ms(accepted["id"]) / 1000 + EDIT_WINDOW_S
    time.sleep(max(0.0, closes - time.time()) + 0.5)
    status, got, problem = call("PATCH", url, {"content": "Too late to change."}, headers)
    assert status == 409, problem
    assert got["content-type"].startswith("application/problem+json")
    assert problem["type"].endswith("edit-window-closed")
    assert listed(base, "late")[accepted["id"]] == "Posted and left alone for a while."
    assert call("DELETE", url, headers=headers)[0] == 204
    assert listed(base, "late") == {}


def test_a_thread_of_2500_comments_is_read_newest_first_and_a_page_of_threads_at_a_time(
    up: Any,
) -> None:
    base, _, redis = up
    ids = seed_thread(redis, "long", 2500)
    parent = {c: redis.hget(keys.comment(c), "parent_id") for c in ids}

    _, _, newest = call("GET", f"{base}/v1/articles/long/comments?order=newest&limit=100")
    assert [c["id"] for c in newest["comments"]] == ids[::-1][:100]
    _, _, after = call("GET", base + newest["links"]["next"])
    assert [c["id"] for c in after["comments"]] == ids[::-1][100:200]

    for order in ("oldest", "newest"):
        seen: list[str] = []
        roots: list[str] = []
        url = f"{base}/v1/articles/long/comments?view=tree&order={order}"
        pages = 0
        while url:
            status, got, page = call("GET", url)
            assert status == 200 and page["count"] == 2500
            assert page["threads"], page
            on_page = _flatten(page["threads"])
            assert len(on_page) <= 1000
            # Whole threads: every reply's parent is on the same page.
            assert all(not parent[c] or parent[c] in on_page for c in on_page)
            seen += on_page
            roots += [t["comment"]["id"] for t in page["threads"]]
            assert call("GET", url, headers={"If-None-Match": got["etag"]})[0] == 304
            url = base + page["links"]["next"] if page["next_cursor"] else ""
            pages += 1
        assert sorted(seen) == sorted(ids) and len(seen) == 2500
        assert pages >= 3
        top_level = [c for c in ids if not parent[c]]
        assert roots == (top_level if order == "oldest" else top_level[::-1])


def _flatten(nodes: list[dict[str, Any]]) -> list[str]:
    found = []
    for node in nodes:
        found.append(node["comment"]["id"])
        found += _flatten(node["replies"])
    return found


def test_the_counts_of_50_articles_in_one_request(up: Any) -> None:
    base, _, redis = up
    articles = [f"front-{n}" for n in range(50)]
    for n, article in enumerate(articles[1:], start=1):
        if n % 4:
            seed_thread(redis, article, n % 4, top_level_every=1)
    query = urllib.parse.urlencode([("article_id", a) for a in articles])
    url = f"{base}/v1/counts?{query}"
    status, got, body = call("GET", url)
    assert status == 200
    assert body == {"counts": {a: n % 4 for n, a in enumerate(articles)}}
    assert "max-age" in got["cache-control"]
    assert call("GET", url, headers={"If-None-Match": got["etag"]})[0] == 304

    accepted = post(base, "front-0", "First comment on the front-page story.", "di@example.com")
    assert final_status(base, accepted)["status"] == "published"
    status, again, body = call("GET", url, headers={"If-None-Match": got["etag"]})
    assert status == 200 and again["etag"] != got["etag"]
    assert body["counts"]["front-0"] == 1

    too_many = urllib.parse.urlencode([("article_id", f"a{n}") for n in range(101)])
    status, got, problem = call("GET", f"{base}/v1/counts?{too_many}")
    assert status == 422 and got["content-type"].startswith("application/problem+json")
    assert problem["errors"][0]["pointer"] == "article_id"


def form(**fields: str) -> bytes:
    filled = {"comment": "Sent with the plain form.", "author": "Eve", "email": "eve@example.com"}
    return urllib.parse.urlencode({**filled, **fields}).encode()


def stored(redis: Redis) -> int:
    """How many comment records there are, whatever state each is in (one moving from
    pending to published, or held, is still one)."""
    return sum(1 for _ in redis.scan_iter(match=keys.comment("*"), count=1000))


def test_the_plain_form_lands_back_on_the_article_at_the_comment(up: Any) -> None:
    base, _, redis = up
    article = f"{base}/v1/articles/classic/comments"
    page = f"{SITE}/2026/12/council-vote"

    status, got, _ = call("POST", article, form(redirect_to=f"{page}#respond"), FORM)
    assert status == 303
    location, _, fragment = got["location"].partition("#comment-")
    assert location == page
    assert call("GET", f"{base}/v1/comments/{fragment}")[0] == 200

    # No redirect_to: the Referer, when it is a page of the site.
    status, got, _ = call("POST", article, form(comment="Second, by Referer."),
                          {**FORM, "Referer": page})  # fmt: skip
    assert status == 303 and got["location"].startswith(f"{page}#comment-")

    # A refusal is a page listing what to correct, with a link back; nothing is stored.
    before = stored(redis)
    status, got, html = call("POST", article, form(email="not-an-address", redirect_to=page), FORM)
    assert status == 422 and got["content-type"].startswith("text/html")
    assert "<b>email</b>" in html and f'href="{page}"' in html

    # No open redirect: a page elsewhere is refused, and nothing is stored.
    for elsewhere in ("https://evil.example/", "//evil.example/", f"{SITE}@evil.example/"):
        status, got, html = call("POST", article, form(redirect_to=elsewhere), FORM)
        assert status == 422, html
        assert "location" not in got and "redirect_to" in html and "href" not in html
    assert stored(redis) == before

    # JSON clients, and a Referer from elsewhere, are answered as before.
    json_client = {"Content-Type": FORM["Content-Type"], "Accept": "application/json"}
    status, _, accepted = call(
        "POST", article, form(comment="JSON.", redirect_to=page), json_client
    )
    assert status == 202 and accepted["status"] == "pending"
    status, _, accepted = call("POST", article, form(comment="Elsewhere."),
                               {**FORM, "Referer": "https://evil.example/x"})  # fmt: skip
    assert status == 202 and "edit_token" in accepted
    wait_for(lambda: redis.zcard(keys.state_set("pending")) == 0, 10, "the verdicts")
