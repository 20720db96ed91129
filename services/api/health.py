"""Probes for orchestrators: liveness of the process, readiness of its Redis."""

from __future__ import annotations

import asyncio

from aiohttp import web
from redis.exceptions import RedisError

from services.api.problems import problem_response
from services.api.state import REDIS

READY_TIMEOUT = 1.0


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    try:
        await asyncio.wait_for(request.app[REDIS].ping(), READY_TIMEOUT)
    except (RedisError, OSError, TimeoutError) as e:
        return problem_response(503, "Service Unavailable", f"Redis does not answer: {e}")
    return web.json_response({"status": "ready"})
