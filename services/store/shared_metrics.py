"""Prometheus metrics shared by the processes: the registry a scrape reads, the metrics server
of a worker, and the backlog gauges.

Where several processes share one address (`comments api --processes N`) or one scrape
(`comments up`, whose API also shows its workers' metrics), PROMETHEUS_MULTIPROC_DIR names
a directory each process writes its samples to, and a scrape sums them (prometheus-client's
multiprocess mode). Otherwise each process serves its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Gauge,
    generate_latest,
    start_http_server,
)
from prometheus_client.multiprocess import MultiProcessCollector

from services.store.backlog import Backlog

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

# Read from Redis at scrape time: the same whichever process answers.
QUEUE_JOBS = Gauge(
    "comments_queue_jobs", "RQ jobs per queue and registry (queued, started, scheduled, failed).",
    ["queue", "registry"], multiprocess_mode="mostrecent",
)  # fmt: skip
QUEUE_WORKERS = Gauge(
    "comments_queue_workers", "Workers registered on each queue.", ["queue"],
    multiprocess_mode="mostrecent",
)  # fmt: skip
COMMENTS = Gauge(
    "comments_in_state", "Comments in each unpublished state (held: the moderation queue).",
    ["state"], multiprocess_mode="mostrecent",
)  # fmt: skip
OLDEST_PENDING = Gauge(
    "comments_oldest_pending_age_seconds",
    "How long the oldest comment without a verdict has waited.",
    multiprocess_mode="mostrecent",
)


def record_backlog(backlog: Backlog) -> None:
    for queue, registries in backlog.jobs.items():
        for registry, jobs in registries.items():
            QUEUE_JOBS.labels(queue, registry).set(jobs)
    for queue, workers in backlog.workers.items():
        QUEUE_WORKERS.labels(queue).set(workers)
    for state, count in backlog.comments.items():
        COMMENTS.labels(state).set(count)
    OLDEST_PENDING.set(backlog.oldest_pending_s)


def scrape_registry() -> CollectorRegistry:
    if not os.environ.get(MULTIPROC_ENV):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def exposition() -> bytes:
    """The text a scrape gets."""
    return generate_latest(scrape_registry())


def serve(port: int, host: str = "0.0.0.0") -> None:
    """A worker's metrics on http://HOST:PORT/metrics, from a background thread."""
    start_http_server(port, addr=host, registry=scrape_registry())


def prepare_multiprocess_dir(path: Path) -> None:
    """An empty directory for a new set of processes' samples (old ones would be summed in)."""
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
