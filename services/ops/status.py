"""`comments status`: what an operator asks first. Queues, workers, comments per state, the
oldest comment still waiting for its verdict, webhook subscriptions."""

from __future__ import annotations

from typing import Any

from redis import Redis
from rq import Worker
from rq.serializers import JSONSerializer

from services.store import backlog, keys


def collect(redis: Redis, raw: Redis) -> dict[str, Any]:
    """`redis` speaks text; `raw` is the bytes connection RQ needs."""
    pipe = redis.pipeline(transaction=False)
    backlog.add_commands(pipe)
    found = backlog.parse(pipe.execute())
    workers = [
        {
            "name": w.name,
            "queues": w.queue_names(),
            "state": str(w.get_state()),
            "current_job": w.get_current_job_id(),
            "pid": w.pid,
            "hostname": w.hostname,
        }
        for w in Worker.all(connection=raw, serializer=JSONSerializer)
    ]
    webhooks: list[str] = sorted(redis.smembers(keys.WEBHOOKS))  # type: ignore[arg-type]
    pipe = redis.pipeline(transaction=False)
    for webhook_id in webhooks:
        pipe.hget(keys.webhook(webhook_id), "enabled")
    enabled = sum(1 for e in pipe.execute() if e == "1")
    return {
        "queues": found.jobs,
        "workers": sorted(workers, key=lambda w: (w["queues"], w["name"])),
        "comments": found.comments,
        "oldest_pending_s": round(found.oldest_pending_s, 1),
        "webhooks": {"enabled": enabled, "disabled": len(webhooks) - enabled},
    }


def render(status: dict[str, Any]) -> str:
    lines = ["queue        queued  started  scheduled  failed"]
    for name, jobs in status["queues"].items():
        lines.append(
            f"{name:<12} {jobs['queued']:>6}  {jobs['started']:>7}  {jobs['scheduled']:>9}"
            f"  {jobs['failed']:>6}"
        )
    lines.append("")
    lines.append(f"workers: {len(status['workers'])}")
    for w in status["workers"]:
        job = f"  {w['current_job']}" if w["current_job"] else ""
        lines.append(
            f"  {w['name']}  {','.join(w['queues'])}  {w['state']}  "
            f"pid {w['pid']} on {w['hostname']}{job}"
        )
    lines.append("")
    lines.append(
        "comments: " + ", ".join(f"{count} {state}" for state, count in status["comments"].items())
    )
    lines.append(f"oldest pending: {status['oldest_pending_s']} s")
    hooks = status["webhooks"]
    lines.append(f"webhooks: {hooks['enabled']} enabled, {hooks['disabled']} disabled")
    return "\n".join(lines)
