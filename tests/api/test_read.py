from __future__ import annotations

from services.core.settings import Settings
from tests.helpers import Client, moderate_all, valid_submission


async def test_a_new_comment_reads_as_pending(client: Client) -> None:
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
    client: Client, settings: Settings
) -> None:
    document = valid_submission(content="Thanks, write to me at ada.l@example.org any time.")
    accepted = await (await client.post("/v1/articles/a1/comments", json=document)).json()
    moderate_all(settings)
    body = await (await client.get(accepted["links"]["self"])).json()
    assert body["status"] == "published"
    comment = body["comment"]
    assert set(comment) == {
        "id", "article_id", "parent_id", "author", "content", "content_html", "created_at",
        "published_at",
    }  # fmt: skip
    assert comment["author"] == {"name": "Ada Lovelace", "url": "https://ada.example"}
    assert comment["content"] == "Thanks, write to me at a***@e***.org any time."
    assert comment["published_at"] >= comment["created_at"]


async def test_unknown_and_malformed_ids_are_404(client: Client) -> None:
    for comment_id in ["01JDQ8ZK3W5N6Y0T9V4B2C7X1M", "nope", "../../etc"]:
        response = await client.get(f"/v1/comments/{comment_id}")
        assert response.status == 404
        assert response.headers["Content-Type"].startswith("application/problem+json")
