"""`/v1/webhooks`: admins register, list, test, re-enable and delete webhook subscriptions."""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import time
from typing import Any

from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from services.api.auth import IDENTITY, requires
from services.api.bodies import json_body
from services.api.state import REDIS, SETTINGS, WEBHOOK_QUEUE, WRITER
from services.api.stored import stored
from services.core.access import Role
from services.core.comment import now_iso
from services.core.errors import FieldError, InvalidSubmission, NotFound
from services.core.ids import new_comment_id
from services.core.webhook_targets import TargetRefused, addresses, parse, policy
from services.store import jobs, keys, queues
from services.store.buffered_jobs import recorder
from services.store.records import UPDATE, update_args

EVENT_TYPES = [
    "comment.published", "comment.removed", "comment.held", "webhook.disabled",
    "comment.reported", "comment.withdrawn",  # reader reports (issue 15)
]  # fmt: skip
SHOWN_DELIVERIES = 50


@requires(Role.ADMIN)
async def create(request: web.Request) -> web.Response:
    body = await json_body(request, "webhook-subscription.schema.json")
    await _check_target(request, body["url"])
    webhook_id = new_comment_id()  # a ULID, as comments have
    secret = body.get("secret") or secrets.token_urlsafe(32)
    record = {
        "id": webhook_id,
        "url": body["url"],
        "events": ",".join(sorted(set(body["events"]))),
        "secret": secret,
        "enabled": "1",
        "failures": "0",
        "created_at": now_iso(),
        "created_ms": str(time.time_ns() // 1_000_000),
        "created_by": request[IDENTITY].name,
    }
    redis = request.app[REDIS]
    await ensure_group(redis)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hset(keys.webhook(webhook_id), mapping=record)  # type: ignore[arg-type]
        pipe.sadd(keys.WEBHOOKS, webhook_id)
        await pipe.execute()
    # The secret is shown this once, as a token is.
    return web.json_response({**_view(record), "secret": secret}, status=201,
                             headers={"Location": f"/v1/webhooks/{webhook_id}"})  # fmt: skip


@requires(Role.ADMIN)
async def list_all(request: web.Request) -> web.Response:
    redis = request.app[REDIS]
    ids: list[str] = sorted(await redis.smembers(keys.WEBHOOKS))  # type: ignore[arg-type]
    async with redis.pipeline(transaction=False) as pipe:
        for webhook_id in ids:
            pipe.hgetall(keys.webhook(webhook_id))
        records = await pipe.execute()
    return web.json_response({"webhooks": [_view(r) for r in records if r]})


@requires(Role.ADMIN)
async def one(request: web.Request) -> web.Response:
    record = await _record(request)
    raw = await request.app[REDIS].lrange(
        keys.webhook_deliveries(record["id"]), 0, SHOWN_DELIVERIES - 1
    )
    return web.json_response({**_view(record), "deliveries": [json.loads(d) for d in raw]})


@requires(Role.ADMIN)
async def test(request: web.Request) -> web.Response:
    """Queue a `webhook.test` delivery to the subscription, whatever events it chose."""
    record = await _record(request)
    when = now_iso()
    event_id = f"test-{new_comment_id()}"
    data = json.dumps({"type": "webhook.test", "occurred_at": when, "webhook_id": record["id"]})
    spec = queues.delivery_job(record["id"], event_id, "webhook.test", data, request.app[SETTINGS])
    pipe = recorder(request.app[WEBHOOK_QUEUE])
    jobs.enqueue(request.app[WEBHOOK_QUEUE], spec, pipe)
    await request.app[WRITER].apply([args for args, _ in pipe.command_stack])
    delivery = queues.delivery_id(record["id"], event_id)
    return web.json_response({"delivery_id": delivery, "status": "queued"}, status=202)


@requires(Role.ADMIN)
async def enable(request: web.Request) -> web.Response:
    record = await _record(request)
    enabled = {"enabled": "1", "failures": "0", "disabled_at": "", "disabled_reason": ""}
    if not await request.app[REDIS].eval(
        UPDATE, 1, keys.webhook(record["id"]), *update_args(enabled)
    ):
        raise NotFound(f"There is no webhook {record['id']}.")  # deleted meanwhile
    return web.json_response(_view({**record, **enabled}))


@requires(Role.ADMIN)
async def delete(request: web.Request) -> web.Response:
    record = await _record(request)
    async with request.app[REDIS].pipeline(transaction=True) as pipe:
        pipe.delete(keys.webhook(record["id"]), keys.webhook_deliveries(record["id"]))
        pipe.srem(keys.WEBHOOKS, record["id"])
        await pipe.execute()
    return web.Response(status=204)


async def ensure_group(redis: Redis) -> None:
    """The dispatchers' consumer group, made now so that no event after this subscription is
    missed even if no webhook worker has run yet."""
    try:
        await redis.xgroup_create(keys.EVENTS, keys.WEBHOOK_GROUP, id="$", mkstream=True)
    except ResponseError as e:
        if "BUSYGROUP" not in str(e):
            raise


async def _check_target(request: web.Request, url: str) -> None:
    """Refuse a URL whose host resolves to an address deliveries may not go to (this
    machine, the private network, ...); each delivery checks again."""
    settings = request.app[SETTINGS]
    try:
        target = parse(url)
        lookup = asyncio.get_running_loop().getaddrinfo(
            target.host, target.port, type=socket.SOCK_STREAM
        )
        infos = await asyncio.wait_for(lookup, settings.webhook_timeout_s)
        policy(settings.webhook_allow_networks, settings.webhook_only_networks).check(
            target.host, addresses(infos)
        )
    except (OSError, ValueError) as e:  # TargetRefused, a name that does not resolve, ...
        reason = str(e) or "no answer in time"
        if not isinstance(e, TargetRefused):
            reason = f"its host does not resolve ({reason})"
        raise InvalidSubmission(
            f"Webhooks cannot be delivered to {url}: {reason}.",
            errors=[FieldError("/url", reason)],
        ) from e


async def _record(request: web.Request) -> dict[str, str]:
    return await stored(request, keys.webhook, request.match_info["webhook_id"], "webhook")


def _view(record: dict[str, str]) -> dict[str, Any]:
    """A subscription without its secret."""
    return {
        "id": record["id"],
        "url": record["url"],
        "events": [e for e in record["events"].split(",") if e],
        "enabled": record.get("enabled") == "1",
        "consecutive_failures": int(record.get("failures") or 0),
        "created_at": record["created_at"],
        "disabled_at": record.get("disabled_at") or None,
        "disabled_reason": record.get("disabled_reason") or None,
        "links": {"self": f"/v1/webhooks/{record['id']}"},
    }
