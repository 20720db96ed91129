"""Webhook deliveries: a dispatcher turns events into delivery jobs; the job signs and POSTs.

The dispatcher reads the event stream through a consumer group, so every event is handed to
exactly one webhook worker and an event taken by a worker that died is claimed by another;
it acknowledges an event only once its delivery jobs are queued. A delivery is at least
once: the receiver drops repeats by `Comments-Delivery`. Consecutive failures disable a
subscription, with a `webhook.disabled` event for admins.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from redis import Redis
from redis.exceptions import RedisError, ResponseError
from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer

from services.core import logs
from services.core.comment import now_iso
from services.core.settings import Settings
from services.core.signing import HEADER, sign
from services.core.webhook_targets import policy
from services.store import jobs, keys, queues
from services.store.webhook_records import disable, record_attempt
from services.worker import job_metrics as metrics
from services.worker.context import current
from services.worker.delivery import post

log = logs.get(__name__)

CLAIM_IDLE_MS = 60_000
"""An event taken by a worker and not acknowledged this long after is claimed by another."""


class DeliveryFailed(RuntimeError):
    """The receiver did not answer 2xx: RQ retries the job after its next interval."""


def deliver(webhook_id: str, event_id: str, event_type: str, data: str) -> str:
    outcome = "error"
    try:
        result = _deliver(webhook_id, event_id, event_type, data)
        outcome = result.split(":")[0]
        return result
    except DeliveryFailed:
        outcome = "failed"
        raise
    finally:
        metrics.DELIVERIES.labels(outcome).inc()
        metrics.JOBS.labels(queues.WEBHOOKS, outcome).inc()


def _deliver(webhook_id: str, event_id: str, event_type: str, data: str) -> str:
    ctx = current()
    redis, settings = ctx.redis, ctx.settings
    webhook: dict[str, str] = redis.hgetall(keys.webhook(webhook_id))  # type: ignore[assignment]
    if not webhook or webhook.get("enabled") != "1":
        return "skipped: the subscription is gone or disabled"
    delivery = queues.delivery_id(webhook_id, event_id)
    body = json.dumps(
        {"id": delivery, "type": event_type, "created_at": now_iso(), "data": json.loads(data)}
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "leave-a-reply-webhooks/1",
        HEADER: sign(webhook["secret"].encode(), body),
        "Comments-Delivery": delivery,
        "Comments-Event": event_type,
    }
    started = time.monotonic()
    where = policy(settings.webhook_allow_networks, settings.webhook_only_networks)
    answer = post(webhook["url"], body, headers, where, settings.webhook_timeout_s)
    if answer.refused:  # the host resolves somewhere else now, or the settings changed
        log.warning("webhook.refused", webhook_id=webhook_id, detail=answer.error)
    status = answer.status
    error = answer.error or ("" if status is None or 200 <= status < 300 else f"HTTP {status}")
    ok = status is not None and 200 <= status < 300
    metrics.DELIVERY_SECONDS.observe(time.monotonic() - started)
    attempt = {
        "delivery_id": delivery, "event_id": event_id, "type": event_type, "status": status,
        "ok": ok, "error": error, "ms": round((time.monotonic() - started) * 1000, 1),
        "at": now_iso(),
    }  # fmt: skip
    failures = record_attempt(redis, webhook_id, attempt)
    if failures is None:
        return "skipped: the subscription was deleted during the delivery"
    if ok:
        return f"delivered: {status}"
    if failures >= settings.webhook_disable_after:
        reason = f"{failures} deliveries failed in a row; the last: {error}"
        if disable(redis, webhook_id, webhook["url"], reason):
            log.warning("webhook.disabled", webhook_id=webhook_id, reason=reason)
        return "disabled"
    raise DeliveryFailed(f"{webhook['url']}: {error}")


@dataclass(frozen=True)
class Subscription:
    events: set[str]
    created_ms: int

    def wants(self, event_id: str, fields: dict[str, str]) -> bool:
        """Of the events it chose, those that happened after it subscribed."""
        return fields.get("type") in self.events and int(event_id.split("-")[0]) >= self.created_ms


class Dispatcher:
    """Events to delivery jobs, one consumer of the group per webhook worker process."""

    def __init__(self, settings: Settings, name: str) -> None:
        self.settings = settings
        self.name = name
        self.redis = Redis.from_url(settings.redis_url, decode_responses=True)
        self.queue = Queue(queues.WEBHOOKS, connection=Redis.from_url(settings.redis_url),
                           serializer=JSONSerializer)  # fmt: skip
        self._stop = threading.Event()

    def ensure_group(self) -> None:
        try:
            self.redis.xgroup_create(keys.EVENTS, keys.WEBHOOK_GROUP, id="$", mkstream=True)
        except ResponseError as e:
            if "BUSYGROUP" not in str(e):
                raise

    def dispatch_once(self, block_ms: int = 2000) -> int:
        """Claim abandoned events, read new ones, queue their deliveries; return how many
        events were handled."""
        self.ensure_group()
        entries: list[tuple[str, dict[str, str]]] = []
        _, claimed, _ = self.redis.xautoclaim(
            keys.EVENTS, keys.WEBHOOK_GROUP, self.name, CLAIM_IDLE_MS, "0-0", count=100
        )
        entries += claimed
        found: Any = self.redis.xreadgroup(
            keys.WEBHOOK_GROUP, self.name, {keys.EVENTS: ">"}, count=100,
            block=None if entries else block_ms,
        )  # fmt: skip
        for _stream, batch in found or []:
            entries += batch
        if not entries:
            return 0
        subscriptions = self._subscriptions()
        pipe = self.queue.connection.pipeline()
        for event_id, fields in entries:
            for webhook_id, subscription in subscriptions.items():
                if subscription.wants(event_id, fields) and not Job.exists(
                    queues.delivery_job_id(webhook_id, event_id), connection=self.queue.connection
                ):
                    spec = queues.delivery_job(webhook_id, event_id, fields["type"],
                                               fields["data"], self.settings)  # fmt: skip
                    jobs.enqueue(self.queue, spec, pipe)
        pipe.execute()
        self.redis.xack(keys.EVENTS, keys.WEBHOOK_GROUP, *[event_id for event_id, _ in entries])
        return len(entries)

    def _subscriptions(self) -> dict[str, Subscription]:
        ids: set[str] = self.redis.smembers(keys.WEBHOOKS)  # type: ignore[assignment]
        pipe = self.redis.pipeline(transaction=False)
        for webhook_id in ids:
            pipe.hmget(keys.webhook(webhook_id), ["enabled", "events", "created_ms"])
        return {
            webhook_id: Subscription(set((events or "").split(",")), int(created_ms or 0))
            for webhook_id, (enabled, events, created_ms) in zip(ids, pipe.execute(), strict=True)
            if enabled == "1"
        }

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                self.dispatch_once()
            except RedisError as e:
                log.warning("webhooks.dispatch_failed", detail=str(e))
                self._stop.wait(1)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="webhook-dispatcher", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        self.redis.close()
        self.queue.connection.close()
