"""HTTP as a reader's browser or a site's page sends it, without following redirects (a 303 is
what is checked), and comments written straight into the store, for threads of thousands."""

from __future__ import annotations

import http.client
import json
import random
from typing import Any
from urllib.parse import urlsplit

from redis import Redis

from services.core.comment import now_iso
from services.core.ids import new_comment_id
from services.store import keys


def call(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    """Status, headers and body (parsed when JSON) of one request; redirects are not followed."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    sent = dict(headers or {})
    data: bytes | None = None
    if isinstance(body, bytes):
        data = body
    elif body is not None:
        data = json.dumps(body).encode()
        sent.setdefault("Content-Type", "application/json")
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        raw = response.read()
        got = {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()
    if "json" in got.get("content-type", "") and raw:
        return response.status, got, json.loads(raw)
    return response.status, got, raw.decode()


def seed_thread(
    redis: Redis, article_id: str, total: int, top_level_every: int = 5, size: int = 0
) -> list[str]:
    """`total` published comments on the article, as the transition script leaves them: every
    `top_level_every`-th a top-level comment, the others replies to an earlier comment picked
    at random, so a thread's replies come long after the next threads began; each text
    padded to about `size` characters. Returns the ids in publication order."""
    chooser = random.Random(15)
    ids: list[str] = []
    pipe = redis.pipeline(transaction=False)
    when = now_iso()
    for n in range(total):
        comment_id = new_comment_id()
        parent = "" if n % top_level_every == 0 else chooser.choice(ids)
        text = f"Comment {n} of the long thread."
        text += " And the council should publish the figures." * max(0, (size - len(text)) // 44)
        pipe.hset(
            keys.comment(comment_id),
            mapping={
                "id": comment_id, "article_id": article_id, "parent_id": parent,
                "author_name": "Reader", "published_name": "Reader", "published_url": "",
                "content": text, "published_content": text, "published_html": f"<p>{text}</p>",
                "created_at": when, "published_at": when, "published_seq": n + 1,
                "state": "published", "email_hash": "e" * 64,
            },
        )  # fmt: skip
        pipe.zadd(keys.published(article_id), {comment_id: n + 1})
        ids.append(comment_id)
    pipe.set(keys.publication_counter(article_id), total)
    pipe.incr(keys.article_version(article_id))
    pipe.execute()
    return ids
