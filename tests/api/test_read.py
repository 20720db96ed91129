from __future__ import annotations

from aiohttp.test_utils import TestClient
from redis import Redis

from services.core import keys
from tests.helpers import valid_submission


async def test_a_new_comment_reads_as_pending(client: TestClient) -> None:
    accepted = await (await client.post("/v1/articles/a1/comments", json=valid_submission())).json()
    response = await client.get(accepted["links"]["self"])
    assert response.status == 200
    assert await response.json() == {
        "id": accepted["id"],
        "article_id": "a1",
        "status": "pending",
        "links": {"self": accepted["links"]["self"]},
    }


async def test_a_published_comment_shows_its_public_fields_only(
    client: TestClient, redis: Redis
) -> None:
    accepted = await (await client.post("/v1/articles/a1/comments", json=valid_submission())).json()
    redis.hset(
        keys.comment(accepted["id"]),
        mapping={
            "state": "published",
            "published_content": "A thoughtful comment about the article.",
            "published_at": "2026-11-28T18:00:00.000Z",
        },
    )
    body = await (await client.get(accepted["links"]["self"])).json()
    assert body["status"] == "published"
    assert body["author"] == {"name": "Ada Lovelace", "url": "https://ada.example"}
    assert body["content"] == "A thoughtful comment about the article."
    assert body["published_at"] == "2026-11-28T18:00:00.000Z"
    assert set(body) == {
        "id", "article_id", "status", "links", "parent_id", "author", "content", "created_at",
        "published_at",
    }  # fmt: skip


async def test_unknown_and_malformed_ids_are_404(client: TestClient) -> None:
    for comment_id in ["01JDQ8ZK3W5N6Y0T9V4B2C7X1M", "nope", "../../etc"]:
        response = await client.get(f"/v1/comments/{comment_id}")
        assert response.status == 404
        assert response.headers["Content-Type"].startswith("application/problem+json")
