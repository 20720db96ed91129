"""The API's metrics, at `GET /metrics`: requests by route and status, their latency,
submissions by outcome, rate-limit refusals, live readers; and the backlog read from Redis
when scraped."""

from __future__ import annotations

import json

from aiohttp import web
from prometheus_client import Counter, Gauge, Histogram

from services.api.state import REDIS
from services.store import backlog
from services.store import shared_metrics as metrics

REQUESTS = Counter(
    "comments_http_requests_total", "HTTP requests answered, by route, method and status.",
    ["route", "method", "status"],
)  # fmt: skip
LATENCY = Histogram(
    "comments_http_request_duration_seconds",
    "Time to answer, by route (streams are not timed).",
    ["route", "method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
SUBMISSIONS = Counter(
    "comments_submissions_total",
    "Comment submissions by outcome: accepted, replayed (an Idempotency-Key seen before), "
    "or the problem that refused them (invalid-submission, duplicate-comment, ...).",
    ["outcome"],
)
RATE_LIMITED = Counter(
    "comments_rate_limited_total", "Submissions refused by a rate limit, by whose limit.",
    ["scope"],
)  # fmt: skip
LIVE_READERS = Gauge(
    "comments_live_readers", "Open server-sent event streams.", multiprocess_mode="livesum"
)
SUBMIT_ROUTE = "/v1/articles/{article_id}/comments"


def record(request: web.Request, response: web.StreamResponse, seconds: float) -> None:
    """Count one answered request (called by the request-id middleware)."""
    # The route's pattern, not the path: ids would make a series per comment.
    resource = request.match_info.route.resource
    route = resource.canonical if resource is not None else "unmatched"
    REQUESTS.labels(route, request.method, response.status).inc()
    if response.content_type != "text/event-stream":
        LATENCY.labels(route, request.method).observe(seconds)
    if route == SUBMIT_ROUTE and request.method == "POST":
        SUBMISSIONS.labels(_outcome(response)).inc()


def _outcome(response: web.StreamResponse) -> str:
    if response.status == 202:
        return "replayed" if response.headers.get("Idempotent-Replayed") else "accepted"
    body = getattr(response, "body", None)
    try:
        kind = str(json.loads(body)["type"]) if isinstance(body, bytes) else ""
    except (ValueError, KeyError, TypeError):
        kind = ""
    return kind.rsplit("/", 1)[-1] if kind.startswith("/problems/") else f"http-{response.status}"


async def serve(request: web.Request) -> web.Response:
    pipe = request.app[REDIS].pipeline(transaction=False)
    backlog.add_commands(pipe)
    metrics.record_backlog(backlog.parse(await pipe.execute()))
    return web.Response(body=metrics.exposition(), headers={"Content-Type": metrics.CONTENT_TYPE})
