"""`GET /metrics`: what an operator reads, moved by real requests and real moderation."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from services.core.settings import Settings
from tests.helpers import Client, moderate_all, valid_submission

ARTICLE = "/v1/articles/a1/comments"


async def scrape(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(await response.text())
        for sample in family.samples
    }


def value(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_requests_submissions_and_refusals_are_counted_by_route_and_outcome(
    client: Client,
) -> None:
    before = await scrape(client)
    assert (await client.post(ARTICLE, json=valid_submission())).status == 202
    assert (await client.post(ARTICLE, json={"content": ""})).status == 422
    assert (await client.post(ARTICLE, json=valid_submission())).status == 409
    for n in range(4):
        document = valid_submission(content=f"Flood {n}: the same author, again and again.")
        await client.post(ARTICLE, json=document)
    assert (await client.get("/v1/comments/01ARZ3NDEKTSV4RRFFQ69G5FAV")).status == 404
    after = await scrape(client)

    route = "/v1/articles/{article_id}/comments"

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("comments_submissions_total", outcome="accepted") == 4
    assert delta("comments_submissions_total", outcome="invalid-submission") == 1
    assert delta("comments_submissions_total", outcome="duplicate-comment") == 1
    assert delta("comments_submissions_total", outcome="too-many-requests") == 1
    assert delta("comments_rate_limited_total", scope="author") == 1
    assert delta("comments_http_requests_total", route=route, method="POST", status="202") == 4
    # Routes are patterns: no series per comment id.
    assert (
        delta(
            "comments_http_requests_total",
            route="/v1/comments/{comment_id}",
            method="GET",
            status="404",
        )
        == 1
    )
    assert delta("comments_http_request_duration_seconds_count", route=route, method="POST") == 7


async def test_the_backlog_is_read_from_redis_when_scraped(
    client: Client, settings: Settings
) -> None:
    await client.post(ARTICLE, json=valid_submission())
    links = "https://a.example/1 https://b.example/2 https://c.example/3"
    second = valid_submission(content=f"Sources: {links}")
    second["author"]["email"] = "b@example.com"
    await client.post(ARTICLE, json=second)
    waiting = await scrape(client)
    assert value(waiting, "comments_in_state", state="pending") == 2
    # One job: the second comment joined the first's, still waiting in the queue.
    assert value(waiting, "comments_queue_jobs", queue="moderation", registry="queued") == 1
    assert value(waiting, "comments_oldest_pending_age_seconds") > 0

    assert moderate_all(settings) == 1
    done = await scrape(client)
    assert value(done, "comments_in_state", state="pending") == 0
    assert value(done, "comments_in_state", state="held") == 1
    assert value(done, "comments_queue_jobs", queue="moderation", registry="queued") == 0
    assert value(done, "comments_oldest_pending_age_seconds") == 0
    # The worker ran in this process: its metrics are in the same registry.
    assert value(done, "comments_verdicts_total", state="held") >= 1
    assert value(done, "comments_verdict_reasons_total", check="links", action="hold") >= 1
    assert value(done, "comments_check_duration_seconds_count", check="profanity") >= 2
    assert value(done, "comments_decision_latency_seconds_count", state="published") >= 1
