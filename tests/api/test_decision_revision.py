"""A moderator's decision carries the revision it was made on: its author's edit meanwhile
makes it a 409 `comment-changed`, and nothing changes (real HTTP, real workers)."""

from __future__ import annotations

from redis import Redis

from services.core.schemas import validator
from services.core.settings import Settings
from tests.helpers import Client, moderate_all, token, valid_submission

LINKS = "Sources: https://a.example/1 https://b.example/2 https://c.example/3"


async def held_comment(client: Client, settings: Settings) -> tuple[str, str]:
    response = await client.post("/v1/articles/a1/comments", json=valid_submission(content=LINKS))
    assert response.status == 202
    accepted = await response.json()
    moderate_all(settings)
    return str(accepted["id"]), str(accepted["edit_token"])


async def test_a_decision_on_text_its_author_changed_is_refused(
    client: Client, redis: Redis, settings: Settings
) -> None:
    comment_id, edit_token = await held_comment(client, settings)
    moderator = token(redis, "moderator", "alice")
    url = f"/v1/moderation/comments/{comment_id}"
    seen = await (await client.get(url, headers=moderator)).json()
    assert (seen["state"], seen["revision"]) == ("held", 0)
    assert not list(validator("moderation-comment.schema.json").iter_errors(seen))

    # The author edits it while the moderator reads; the workers hold the new text again.
    edited = await client.patch(
        f"/v1/comments/{comment_id}",
        json={"content": f"{LINKS} and https://d.example/4"},
        headers={"Edit-Token": edit_token},
    )
    assert edited.status == 202
    moderate_all(settings)
    decision = {"action": "approve", "revision": seen["revision"]}
    refused = await client.post(f"{url}/decision", json=decision, headers=moderator)
    assert refused.status == 409
    problem = await refused.json()
    assert problem["type"] == "/problems/comment-changed"
    assert "revision 0, now 1" in problem["detail"]
    now = await (await client.get(url, headers=moderator)).json()
    assert (now["state"], now["revision"], now["decision"]) == ("held", 1, None)

    # On the text it has now, the decision applies.
    decision["revision"] = now["revision"]
    approved = await client.post(f"{url}/decision", json=decision, headers=moderator)
    assert approved.status == 200
    assert (await approved.json())["state"] == "published"


async def test_a_decision_without_a_revision_is_as_before(
    client: Client, redis: Redis, settings: Settings
) -> None:
    comment_id, _ = await held_comment(client, settings)
    moderator = token(redis, "moderator", "alice")
    url = f"/v1/moderation/comments/{comment_id}/decision"
    bad = await client.post(url, json={"action": "reject", "revision": -1}, headers=moderator)
    assert bad.status == 422
    assert [e["pointer"] for e in (await bad.json())["errors"]] == ["/revision"]
    rejected = await client.post(url, json={"action": "reject"}, headers=moderator)
    assert rejected.status == 200
    assert (await rejected.json())["state"] == "rejected"
