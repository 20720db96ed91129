"""Schemathesis hooks for tests/api/test_fuzz.py: a request the API refuses must store
nothing, and a webhook is only ever subscribed on this machine."""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from redis import Redis

from services.core.schemas import validator

_redis = Redis.from_url(os.environ["FUZZ_REDIS_URL"])
_size_before: dict[int, int] = {}
_subscription = validator("webhook-subscription.schema.json")
LOOPBACK_HOOK = "http://127.0.0.1:9/fuzz"
"""Where every webhook URL the schema takes is sent instead: the service resolves a
subscription's host, and a generated host name must not become a DNS query off this
machine. Refusal of other addresses is tested in tests/worker/test_webhook_targets.py."""


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: Any) -> None:
    body = case.body
    if (
        case.method.upper() == "POST"
        and case.path == "/v1/webhooks"
        and isinstance(body, dict)
        and isinstance(body.get("url"), str)
        and _subscription.is_valid({"url": body["url"], "events": ["comment.published"]})
    ):
        body["url"] = LOOPBACK_HOOK  # schemathesis sees the edit and judges the case again
    _size_before[id(case)] = _redis.dbsize()


@schemathesis.check
def refused_requests_store_nothing(ctx: Any, response: Any, case: Any) -> bool | None:
    before = _size_before.pop(id(case), None)
    if before is None or response.status_code < 400:
        return None
    after = _redis.dbsize()
    if after != before:
        raise AssertionError(
            f"{case.method} {case.path} answered {response.status_code} but Redis went from "
            f"{before} to {after} keys"
        )
    return True
