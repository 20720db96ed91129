"""Submitting comments over real HTTP to the real app, with a real Redis behind it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from redis import Redis
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.serializers import JSONSerializer

from services.core.settings import Settings
from services.store import keys, queues
from services.worker.context import configure
from tests.helpers import Client, dump, field, valid_submission

URL = "/v1/articles/news-2026.city:council_1/comments"


async def post_json(client: Client, document: Any, url: str = URL) -> Any:
    return await client.post(url, json=document)


async def test_a_valid_comment_is_accepted_stored_and_queued(client: Client, redis: Redis) -> None:
    response = await post_json(client, valid_submission())
    assert response.status == 202
    body = await response.json()
    comment_id = body["id"]
    assert body == {
        "id": comment_id,
        "article_id": "news-2026.city:council_1",
        "status": "pending",
        "links": {"self": f"/v1/comments/{comment_id}"},
        "edit_token": body["edit_token"],
    }
    assert response.headers["Location"] == f"/v1/comments/{comment_id}"

    record = redis.hgetall(keys.comment(comment_id))
    # The edit token is answered once and kept only as its keyed hash.
    assert len(body["edit_token"]) >= 32 and body["edit_token"] not in record.values()
    assert len(record["edit_token_hash"]) == 64
    assert record["state"] == "pending"
    assert record["author_name"] == "Ada Lovelace"
    assert record["email_masked"] == "a***@e***.com"
    assert len(record["email_hash"]) == 64
    assert redis.zscore(keys.state_set("pending"), comment_id) is not None

    # Queued in the same script, in a job for the comments accepted with it (just this one).
    job = Job.fetch(
        str(record["job_id"]), connection=Redis.from_url(_url(redis)), serializer=JSONSerializer
    )
    assert job.func_name == queues.MODERATE_BATCH
    assert job.args == [keys.moderation_batch(comment_id)]
    assert redis.lrange(keys.moderation_batch(comment_id), 0, -1) == [comment_id]
    assert job.kwargs == {}
    assert job.retries_left == 3
    assert job.origin == queues.MODERATION


def _url(redis: Redis) -> str:
    kwargs = redis.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs.get('db', 0)}"


async def test_the_queued_job_is_a_real_rq_job_a_worker_runs(
    client: Client, redis: Redis, settings: Settings
) -> None:
    response = await post_json(client, valid_submission())
    comment_id = (await response.json())["id"]
    connection = Redis.from_url(settings.redis_url)
    configure(settings)
    queue = Queue(queues.MODERATION, connection=connection, serializer=JSONSerializer)
    assert queue.job_ids == [redis.hget(keys.comment(comment_id), "job_id")]
    worker = SimpleWorker([queue], connection=connection, serializer=JSONSerializer)
    assert worker.work(burst=True)
    assert queue.count == 0
    assert redis.hget(keys.comment(comment_id), "state") != "pending"


async def test_no_raw_email_reaches_redis(client: Client, redis: Redis) -> None:
    document = valid_submission()
    document["author"]["email"] = "Marker.Person-7731@Unique-Domain.example"
    response = await post_json(client, document)
    assert response.status == 202
    stored = json.dumps(dump(redis)).lower()
    for fragment in ("marker.person-7731", "unique-domain.example"):
        assert fragment not in stored
    # RQ compresses job data: look inside it too.
    comment_id = (await response.json())["id"]
    job = Job.fetch(
        field(redis, keys.comment(comment_id), "job_id"),
        connection=Redis.from_url(_url(redis)),
        serializer=JSONSerializer,
    )
    assert "marker" not in json.dumps([job.args, job.kwargs, job.description]).lower()


async def test_the_wordpress_form_is_accepted(client: Client, redis: Redis) -> None:
    response = await client.post(
        URL,
        data="comment=Nice+post&author=Ada&email=ada%40example.com&url=&comment_parent=0&submit=Post",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 202
    record = redis.hgetall(keys.comment((await response.json())["id"]))
    assert (record["content"], record["author_name"], record["author_url"]) == (
        "Nice post",
        "Ada",
        "",
    )


async def assert_problem(
    response: Any, status: int, redis: Redis, *, detail_contains: str = ""
) -> dict[str, Any]:
    assert response.status == status
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = await response.json(content_type=None)
    assert body["status"] == status
    assert body["title"] and body["type"]
    assert detail_contains in body["detail"]
    assert "Traceback" not in json.dumps(body)
    assert dump(redis) == {}, "an error stored something"
    return body


async def test_malformed_json_is_400(client: Client, redis: Redis) -> None:
    response = await client.post(
        URL, data=b'{"content": "x",', headers={"Content-Type": "application/json"}
    )
    await assert_problem(response, 400, redis, detail_contains="not valid JSON")


async def test_undecodable_text_is_400(client: Client, redis: Redis) -> None:
    response = await client.post(
        URL, data=b'{"content": "caf\xe9"}', headers={"Content-Type": "application/json"}
    )
    await assert_problem(response, 400, redis, detail_contains="UTF-8")


async def test_a_lone_surrogate_is_400(client: Client, redis: Redis) -> None:
    body = json.dumps(valid_submission(content="a \ud83d b"))
    response = await client.post(URL, data=body, headers={"Content-Type": "application/json"})
    await assert_problem(response, 400, redis, detail_contains="/content")


async def test_a_body_over_the_limit_is_413(client: Client, redis: Redis) -> None:
    big = json.dumps(valid_submission(content="x" * 70_000))
    response = await client.post(URL, data=big, headers={"Content-Type": "application/json"})
    await assert_problem(response, 413, redis)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "multipart/form-data; boundary=x", "application/json; charset=latin-1", None],
)
async def test_other_content_types_are_415(
    client: Client, redis: Redis, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = await client.post(URL, data=json.dumps(valid_submission()).encode(), headers=headers)
    await assert_problem(response, 415, redis, detail_contains="application/json")


async def test_schema_violations_are_422_naming_every_field(client: Client, redis: Redis) -> None:
    response = await post_json(client, {"author": {"name": "", "email": "x"}, "extra": True})
    body = await assert_problem(response, 422, redis)
    assert body["type"] == "/problems/invalid-submission"
    assert {e["pointer"] for e in body["errors"]} == {
        "/author/name",
        "/author/email",
        "/content",
        "/extra",
    }


async def test_a_parent_must_be_a_published_comment_of_the_same_article(
    client: Client, redis: Redis
) -> None:
    response = await post_json(client, valid_submission(parent_id="01JDQ8ZK3W5N6Y0T9V4B2C7X1M"))
    body = await assert_problem(response, 409, redis)
    assert body["type"] == "/problems/invalid-parent"
    assert body["errors"] == [
        {"pointer": "/parent_id", "message": "is not a published comment of this article"}
    ]


async def test_a_reply_to_a_published_comment_is_accepted(client: Client, redis: Redis) -> None:
    parent = "01JDQ8ZK3W5N6Y0T9V4B2C7X1M"
    redis.hset(keys.comment(parent), mapping={"state": "published", "article_id": "a1"})
    assert (
        await post_json(client, valid_submission(parent_id=parent), "/v1/articles/a1/comments")
    ).status == 202
    other_article = await post_json(
        client, valid_submission(parent_id=parent), "/v1/articles/a2/comments"
    )
    assert other_article.status == 409


@pytest.mark.parametrize("article_id", ["has space", "x" * 129, "semi;colon", "%00"])
async def test_a_malformed_article_id_is_404(client: Client, redis: Redis, article_id: str) -> None:
    response = await post_json(client, valid_submission(), f"/v1/articles/{article_id}/comments")
    await assert_problem(response, 404, redis)


async def test_unknown_routes_are_404_and_wrong_methods_405(client: Client, redis: Redis) -> None:
    await assert_problem(await client.get("/v1/nothing/here"), 404, redis)
    response = await client.delete(URL)
    body = await assert_problem(response, 405, redis)
    assert "POST" in response.headers["Allow"]
    assert "allowed: GET, HEAD, POST" in body["detail"]


async def test_a_lost_redis_is_503_with_retry_after(aiohttp_client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from services.api.app import create_app
    from services.ops import embedded_redis
    from tests.conftest import TEST_SECRET

    server = embedded_redis.start(tmp_path / "valkey", durable=False)
    try:
        client = await aiohttp_client(
            create_app(Settings(secret=TEST_SECRET, redis_url=server.url))
        )
        assert (await post_json(client, valid_submission())).status == 202
    finally:
        server.stop()
    response = await post_json(client, valid_submission())
    assert response.status == 503
    assert response.headers["Retry-After"] == "1"
    assert (await response.json(content_type=None))["title"] == "Service Unavailable"
    assert (await client.get("/readyz")).status == 503


async def test_cors_answers_only_configured_origins(aiohttp_client, settings) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from services.api.app import create_app

    client = await aiohttp_client(
        create_app(replace(settings, cors_origins=("https://news.example",)))
    )
    preflight = {
        "Origin": "https://news.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    ok = await client.options(URL, headers=preflight)
    assert ok.status == 204
    assert ok.headers["Access-Control-Allow-Origin"] == "https://news.example"
    assert "POST" in ok.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in ok.headers["Access-Control-Allow-Headers"]
    refused = await client.options(URL, headers={**preflight, "Origin": "https://evil.example"})
    assert refused.status == 403
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert "Access-Control-Allow-Origin" not in refused.headers
    posted = await client.post(
        URL, json=valid_submission(), headers={"Origin": "https://news.example"}
    )
    assert posted.headers["Access-Control-Allow-Origin"] == "https://news.example"
    assert "Location" in posted.headers["Access-Control-Expose-Headers"]
    other = await client.post(
        URL, json=valid_submission(), headers={"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in other.headers
    moderation = await client.get(
        "/v1/moderation/queue", headers={"Origin": "https://news.example"}
    )
    assert "Access-Control-Allow-Origin" not in moderation.headers
    # A stream sends its headers before its handler returns: they carry CORS all the same.
    stream = await client.get(
        "/v1/articles/a1/comments/stream", headers={"Origin": "https://news.example"}
    )
    assert stream.headers["Access-Control-Allow-Origin"] == "https://news.example"
    stream.close()


async def test_a_site_token_can_be_required_to_submit(aiohttp_client, settings, redis) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from services.api.app import create_app
    from tests.helpers import token

    client = await aiohttp_client(create_app(replace(settings, submit_requires_token=True)))
    assert (await client.post(URL, json=valid_submission())).status == 401
    response = await client.post(URL, json=valid_submission(), headers=token(redis, "site"))
    assert response.status == 202
