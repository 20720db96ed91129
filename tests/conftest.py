"""Every test that needs Redis gets a real, clean server: REDIS_URL when set (its database is
flushed before each test), otherwise a private Valkey started once for the session."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis import Redis

from services.api.app import create_app
from services.core.rules import Rules
from services.core.settings import Settings
from services.ops import embedded_redis
from tests.helpers import Client, ServiceTestServer

pytest_plugins = ["tests.receiver"]  # the `receiver` fixture: a webhook endpoint

TEST_SECRET = b"test-secret-0123456789abcdef"
LOOPBACK = ("127.0.0.0/8", "::1/128")
"""The networks the tests' webhook receivers are on, and the only ones a delivery may go to."""

# Every service a test starts in a process of its own (`comments up`, the API the fuzzer
# runs against) delivers webhooks to this machine only, whatever a test subscribes.
os.environ.setdefault("COMMENTS_WEBHOOK_ALLOW_NETWORKS", ",".join(LOOPBACK))
os.environ.setdefault("COMMENTS_WEBHOOK_ONLY_NETWORKS", ",".join(LOOPBACK))


@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if url := os.environ.get("REDIS_URL"):
        yield url
        return
    server = embedded_redis.start(tmp_path_factory.mktemp("valkey"), durable=False)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server_url: str) -> str:
    """The server's URL, its database emptied for this test."""
    with Redis.from_url(redis_server_url) as client:
        client.flushdb()
    return redis_server_url


@pytest.fixture
def redis(redis_url: str) -> Iterator[Redis]:
    """A client for looking at what the service stored."""
    client = Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


@pytest.fixture
def settings(redis_url: str) -> Settings:
    """The defaults, but no random audit sample: a test must know what the verdict is; and
    webhooks to this machine only."""
    return Settings(
        secret=TEST_SECRET,
        redis_url=redis_url,
        rules=Rules(audit_rate=0.0),
        webhook_allow_networks=LOOPBACK,
        webhook_only_networks=LOOPBACK,
    )


@pytest.fixture
async def client(aiohttp_client, settings: Settings) -> AsyncIterator[Client]:  # type: ignore[no-untyped-def]
    """The real API over real HTTP on a local port, on the production runner."""
    yield await aiohttp_client(ServiceTestServer(create_app(settings)))


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]
