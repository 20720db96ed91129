"""Schemathesis hooks for tests/api/test_fuzz.py: a request the API refuses must store nothing."""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from redis import Redis

_redis = Redis.from_url(os.environ["FUZZ_REDIS_URL"])
_size_before: dict[int, int] = {}


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: Any) -> None:
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
