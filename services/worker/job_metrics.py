"""The workers' metrics: jobs by outcome, verdicts by state and reason, how long each check
takes, how long a comment waits from acceptance to its verdict, webhook deliveries. A worker
serves them on COMMENTS_METRICS_PORT; under `comments up` the API's /metrics shows them."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

JOBS = Counter("comments_jobs_total", "Jobs run, by queue and outcome.", ["queue", "outcome"])
JOB_SECONDS = Histogram(
    "comments_job_duration_seconds", "Time to run a job, by queue.", ["queue"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)  # fmt: skip
VERDICTS = Counter("comments_verdicts_total", "Workers' verdicts, by state.", ["state"])
REASONS = Counter(
    "comments_verdict_reasons_total",
    "Signals behind the verdicts, by check and what the check asked for (hold, spam, ...).",
    ["check", "action"],
)
CHECK_SECONDS = Histogram(
    "comments_check_duration_seconds", "Time one check took on one comment.", ["check"],
    buckets=(0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05),
)  # fmt: skip
DECISION_SECONDS = Histogram(
    "comments_decision_latency_seconds",
    "From the comment's acceptance (its 202) to the worker's verdict, by the state it reached.",
    ["state"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
DELIVERIES = Counter(
    "comments_webhook_deliveries_total",
    "Webhook delivery attempts, by outcome (delivered, failed, disabled, skipped).",
    ["outcome"],
)
DELIVERY_SECONDS = Histogram(
    "comments_webhook_delivery_duration_seconds", "Time a receiver took to answer.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)  # fmt: skip
