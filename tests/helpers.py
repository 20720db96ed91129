"""Small helpers shared by the tests."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Callable
from typing import Any, cast

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from redis import ConnectionPool, Redis

from services.api.server import ServiceRunner

Client = TestClient[web.Request, web.Application]
"""The test client of the API's application, as the `client` fixture gives it."""


class ServiceTestServer(TestServer):
    """A test server as `comments api` serves: on its runner, so aiohttp's own refusals are
    answered as in production, and, like `web.run_app`, letting a handler run on when its
    client goes (aiohttp's TestServer cancels it, which hides streams that never end)."""

    async def _make_runner(self, **kwargs: Any) -> web.AppRunner:
        return ServiceRunner(self.app, **{**kwargs, "handler_cancellation": False})


def _text(value: bytes | str) -> str:
    if isinstance(value, str):
        return value
    # RQ stores job data zlib-compressed: look inside, so a leak cannot hide there.
    if value[:1] == b"x":
        try:
            value = zlib.decompress(value)
        except zlib.error:
            pass
    return value.decode("utf-8", "replace")


def dump(redis: Redis) -> dict[str, Any]:
    """Every key in the database with its value (decompressed where RQ compressed it),
    for "nothing stored" and "nothing leaked" checks."""
    pool = redis.connection_pool
    kwargs = dict(pool.connection_kwargs, decode_responses=False)
    # Typed `Any`: redis-py types replies for either setting of decode_responses, this is bytes.
    raw: Any = Redis(
        connection_pool=ConnectionPool(connection_class=pool.connection_class, **kwargs)
    )
    out: dict[str, Any] = {}
    try:
        for key in raw.scan_iter(count=1000):
            kind = raw.type(key).decode()
            if kind == "hash":
                value: Any = {_text(k): _text(v) for k, v in raw.hgetall(key).items()}
            elif kind == "string":
                value = _text(raw.get(key) or b"")
            elif kind == "list":
                value = [_text(v) for v in raw.lrange(key, 0, -1)]
            elif kind == "set":
                value = sorted(_text(v) for v in raw.smembers(key))
            elif kind == "zset":
                value = [(_text(m), s) for m, s in raw.zrange(key, 0, -1, withscores=True)]
            elif kind == "stream":
                value = [
                    (_text(i), {_text(k): _text(v) for k, v in f.items()})
                    for i, f in raw.xrange(key)
                ]
            else:
                value = kind
            out[_text(key)] = value
    finally:
        raw.close()
    return out


def valid_submission(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "author": {
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "url": "https://ada.example",
        },
        "content": "A thoughtful comment about the article.",
    }
    document.update(changes)
    return document


def work(settings: Any, queue_name: str) -> int:
    """Run a real RQ SimpleWorker in burst mode over a queue; return the jobs it found."""
    from rq import Queue, SimpleWorker
    from rq.serializers import JSONSerializer

    from services.worker.context import configure

    configure(settings)
    connection = Redis.from_url(settings.redis_url)
    queue = Queue(queue_name, connection=connection, serializer=JSONSerializer)
    jobs = queue.count
    SimpleWorker([queue], connection=connection, serializer=JSONSerializer).work(burst=True)
    connection.close()
    return jobs


def moderate_all(settings: Any) -> int:
    """Moderate every queued comment; return how many."""
    from services.store import queues

    return work(settings, queues.MODERATION)


def deliver_all(settings: Any) -> int:
    """Turn every new event into webhook deliveries and make them (retries included) as the
    webhook workers do, until nothing is left; return the delivery jobs run."""
    from services.store import queues
    from services.worker.webhooks import Dispatcher

    dispatcher = Dispatcher(settings, "test-dispatcher")
    run = 0
    try:
        while True:  # a delivery may raise an event of its own: webhook.disabled
            dispatcher.dispatch_once(block_ms=1)
            if not (found := work(settings, queues.WEBHOOKS)):
                return run
            run += found
    finally:
        dispatcher.close()


def token(redis: Redis, role: str, name: str | None = None) -> dict[str, str]:
    """An Authorization header with a new token of `role`."""
    from services.core.access import Role
    from services.store.tokens import create

    return {"Authorization": f"Bearer {create(redis, Role(role), name or f'{role}-test')}"}


async def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until `condition()` holds, polling; fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "the condition never held"
        await asyncio.sleep(0.05)


def served(app: web.Application) -> ServiceTestServer:
    return ServiceTestServer(app, host="127.0.0.1")


def entries(redis: Redis, key: str) -> list[tuple[str, dict[str, str]]]:
    """A stream's entries, oldest first, from a client that decodes its responses."""
    return cast(list[tuple[str, dict[str, str]]], redis.xrange(key))


def field(redis: Redis, key: str, name: str) -> str:
    """One field of a hash that the test knows is there, from a client that decodes."""
    value = redis.hget(key, name)
    assert isinstance(value, str), f"{key} has no {name}"
    return value
