"""`comments import` and `comments export --email` against a running `comments up`, as an
operator moving a site's comments in would run them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.e2e.client import comments_cli, request, wait_for

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"


def test_a_wordpress_export_is_imported_once_with_its_threads_and_decisions(service: Any) -> None:
    base, _process, data_dir = service
    wxr = str(FIXTURES / "wordpress.wxr")
    first = comments_cli(data_dir, "import", "--format", "wxr", wxr)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("imported 4 (1 held, 2 published, 1 spam), 0 already"), first
    assert "skipped 2: 2 not a kept comment" in first.stdout  # the pingback and the binned one

    status, page = request("GET", f"{base}/v1/articles/harbour-budget/comments")
    assert status == 200
    zoe, kenji = page["comments"]
    assert (zoe["author"], zoe["parent_id"]) == (
        {"name": "Zoë Müller", "url": "https://zoe.example"}, None)  # fmt: skip
    assert zoe["content"] == "Finally some numbers.\nWill the ferry be kept?"
    assert zoe["created_at"] == "2024-05-02T09:15:00.000Z"
    assert kenji["parent_id"] == zoe["id"] and kenji["author"]["name"] == "Kenji 健二"
    assert kenji["content"] == "The ferry stays, page 12 of the report & the annex."
    assert "zoe@example.org" not in json.dumps(page)
    assert request("GET", f"{base}/v1/articles/bus-routes/comments")[1]["comments"] == []  # held

    again = comments_cli(data_dir, "import", "--format", "wxr", wxr)
    assert again.stdout.startswith("imported 0 (none), 4 already"), again
    assert len(request("GET", f"{base}/v1/articles/harbour-budget/comments")[1]["comments"]) == 2

    person = comments_cli(data_dir, "export", "--email", "Zoe@Example.org")
    assert person.returncode == 0, person.stderr
    [only] = [json.loads(line) for line in person.stdout.splitlines()]
    assert (only["id"], only["state"], only["author_name"]) == (
        zoe["id"],
        "published",
        "Zoë Müller",
    )
    assert "zoe@example.org" not in person.stdout and only["email_masked"] == "z***@e***.org"

    everything = comments_cli(data_dir, "export", "--site", "default")
    records = [json.loads(line) for line in everything.stdout.splitlines()]
    assert sorted(r["state"] for r in records) == ["held", "published", "published", "spam"]
    assert "@example.org" not in everything.stdout  # the addresses masked, none in clear
    assert comments_cli(data_dir, "export", "--site", "elsewhere").returncode == 2


def test_a_disqus_export_keeps_replies_that_come_before_their_parent(service: Any) -> None:
    base, _process, data_dir = service
    done = comments_cli(data_dir, "import", "--format", "disqus", str(FIXTURES / "disqus.xml"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("imported 4 (3 published, 1 spam), 0 already imported, 1 replies")
    sam, lea = request("GET", f"{base}/v1/articles/tide-tables/comments")[1]["comments"]
    assert sam["author"]["name"] == "Sam O'Neill" and lea["parent_id"] == sam["id"]
    assert lea["content"] == "Agreed with Sam.\n\nSecond paragraph: thanks."
    # The thread's own id is no article id here ("6 https://..."): its link's path is.
    [orphan] = request("GET", f"{base}/v1/articles/2024:06:fish-market/comments")[1]["comments"]
    assert orphan["parent_id"] is None and orphan["content"] == "Where will the stalls go?"


def test_hundreds_of_comments_in_threads_keep_their_order_or_are_moderated_again(
    service: Any, tmp_path: Path
) -> None:
    base, _process, data_dir = service
    big = tmp_path / "big.wxr"
    big.write_text(_wxr("big-thread", 300), encoding="utf-8")
    done = comments_cli(data_dir, "import", "--format", "wxr", str(big))
    assert done.stdout.startswith("imported 300 (300 published)"), done
    status, tree = request("GET", f"{base}/v1/articles/big-thread/comments?view=tree")
    assert status == 200
    tops = [node["comment"]["content"] for node in tree["threads"]]
    assert tops == [f"Comment {n}" for n in range(1, 301, 3)]  # every third starts a thread
    [reply] = tree["threads"][0]["replies"]
    assert reply["comment"]["content"] == "Comment 2"
    assert reply["replies"][0]["comment"]["content"] == "Comment 3"
    assert request("GET", f"{base}/v1/articles/big-thread/comments/count")[1]["count"] == 300

    small = tmp_path / "again.wxr"
    small.write_text(_wxr("moderated-again", 2), encoding="utf-8")
    queued = comments_cli(data_dir, "import", "--format", "wxr", "--moderate", str(small))
    assert queued.stdout.startswith("imported 2 (2 pending)"), queued
    wait_for(
        lambda: (
            len(request("GET", f"{base}/v1/articles/moderated-again/comments")[1]["comments"]) == 2
        ),
        30,
        "the workers to publish the imported comments",
    )


def _wxr(slug: str, count: int) -> str:
    """A WXR file of `count` comments: every third starts a thread, the next two answer the
    one before them."""
    comments = "".join(
        f"<wp:comment><wp:comment_id>{n}</wp:comment_id>"
        f"<wp:comment_author>Reader {n}</wp:comment_author>"
        f"<wp:comment_author_email>reader{n}@example.org</wp:comment_author_email>"
        f"<wp:comment_date_gmt>2024-01-01 {n // 60:02d}:{n % 60:02d}:00</wp:comment_date_gmt>"
        f"<wp:comment_content>Comment {n}</wp:comment_content>"
        f"<wp:comment_approved>1</wp:comment_approved>"
        f"<wp:comment_parent>{0 if n % 3 == 1 else n - 1}</wp:comment_parent></wp:comment>"
        for n in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        f'xmlns:wp="http://wordpress.org/export/1.2/"><channel><link>https://{slug}.example</link>'
        "<item>"
        f"<wp:post_name>{slug}</wp:post_name>{comments}</item></channel></rss>"
    )
