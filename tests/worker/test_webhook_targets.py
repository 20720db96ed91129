"""Where webhooks may go, through the real API and a real webhook worker.

Only loopback is ever connected to: every address off this machine here is one the service
must refuse before it connects (at subscription, or before a delivery), and the settings
limit deliveries to loopback whatever happens.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from redis import Redis

from services.api.app import create_app
from services.core.settings import Settings
from services.core.webhook_targets import parse
from services.store import keys
from services.worker.delivery import send
from tests.conftest import LOOPBACK
from tests.helpers import Client, deliver_all
from tests.receiver import Receiver, receiving
from tests.worker.test_webhooks import publish_one, show, subscribe

# Off this machine: each must be refused before anything connects to it.
ELSEWHERE = [
    "http://169.254.169.254/latest/meta-data/",  # the cloud's metadata service
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://10.0.0.1/hooks",
    "http://172.16.5.4/hooks",
    "http://192.168.1.1/hooks",
    "http://100.64.0.1/hooks",  # carrier-grade NAT
    "http://224.0.0.1/hooks",
    "http://[fe80::1]/hooks",
    "http://[ff02::1]/hooks",
    "http://[::ffff:10.0.0.1]/hooks",
    "http://[64:ff9b::a9fe:a9fe]/hooks",  # NAT64 of 169.254.169.254
    "http://[2002:a00:1::]/hooks",  # 6to4 of 10.0.0.1
    "http://0/hooks",
    "http://93.184.215.14/hooks",  # public, but deliveries are limited to loopback here
]


@pytest.fixture
def settings(redis_url: str, settings: Settings) -> Settings:
    """The defaults for where webhooks may go (no network allowed), but only to loopback;
    retries without waiting."""
    return dataclasses.replace(
        settings,
        webhook_allow_networks=(),
        webhook_only_networks=LOOPBACK,
        webhook_timeout_s=2,
        webhook_retry_intervals=(0, 0, 0),
    )


@pytest.fixture
async def allowing(aiohttp_client, settings: Settings) -> AsyncIterator[Client]:  # type: ignore[no-untyped-def]
    """The API of an operator who allowed loopback, for receivers on this machine."""
    allowed = dataclasses.replace(settings, webhook_allow_networks=LOOPBACK)
    yield await aiohttp_client(create_app(allowed))


@pytest.fixture
def admin(redis: Redis) -> dict[str, str]:
    from tests.helpers import token

    return token(redis, "admin")


def this_machine(receiver: Receiver, redis_url: str) -> list[str]:
    """This machine, written every way a resolver takes it, at a port that listens."""
    port = receiver.port
    return [
        f"http://127.0.0.1:{urlsplit(redis_url).port}/",  # Redis itself
        f"http://localhost:{port}/hooks",
        f"http://LOCALHOST:{port}/hooks",
        f"http://[::1]:{port}/hooks",
        f"http://0.0.0.0:{port}/hooks",
        f"http://2130706433:{port}/hooks",
        f"http://0x7f.1:{port}/hooks",
        f"http://017700000001:{port}/hooks",
        f"http://127.1:{port}/hooks",
        f"http://[::ffff:127.0.0.1]:{port}/hooks",
        f"http://[::ffff:7f00:1]:{port}/hooks",
        f"https://127.0.0.2:{port}/hooks",
    ]


async def test_a_subscription_to_this_machine_or_a_private_network_is_refused_and_not_stored(
    client: Client, redis: Redis, receiver: Receiver, admin: dict[str, str], redis_url: str
) -> None:
    for url in this_machine(receiver, redis_url) + ELSEWHERE:
        body = {"url": url, "events": ["comment.published"]}
        response = await client.post("/v1/webhooks", json=body, headers=admin)
        assert response.status == 422, (url, await response.text())
        assert response.content_type == "application/problem+json"
        problem = await response.json()
        [error] = problem["errors"]
        assert error["pointer"] == "/url"
        assert re.search(r"address( \(as [0-9.]+\))?$|limited to$", error["message"]), error
    assert receiver.received == []
    assert not redis.exists(keys.WEBHOOKS, keys.EVENTS)


async def test_an_allowed_network_is_delivered_to_pinned_to_the_address_checked(
    allowing: Client, settings: Settings, receiver: Receiver, admin: dict[str, str]
) -> None:
    port = receiver.port
    await subscribe(allowing, admin, f"http://2130706433:{port}/a", ["comment.published"])
    await subscribe(allowing, admin, f"http://localhost:{port}/b?x=1", ["comment.published"])
    await publish_one(allowing, settings)

    worker = dataclasses.replace(settings, webhook_allow_networks=LOOPBACK)
    assert deliver_all(worker) == 2
    hosts = sorted(headers["Host"] for headers, _ in receiver.received)
    assert hosts == [f"2130706433:{port}", f"localhost:{port}"]


async def test_a_delivery_is_refused_before_connecting_when_the_address_is_no_longer_allowed(
    allowing: Client, settings: Settings, receiver: Receiver, admin: dict[str, str]
) -> None:
    """The worker checks again: here its operator no longer allows loopback."""
    webhook = await subscribe(allowing, admin, receiver.url, ["comment.published"])
    await publish_one(allowing, settings)

    deliver_all(settings)  # the worker's settings allow no network
    assert receiver.received == []
    attempts = (await show(allowing, admin, webhook["id"]))["deliveries"]
    assert attempts and all(not a["ok"] and a["status"] is None for a in attempts)
    assert "127.0.0.1 is a loopback address" in attempts[0]["error"]


async def test_a_redirect_is_not_followed_and_counts_as_a_failure(
    allowing: Client, settings: Settings, receiver: Receiver, admin: dict[str, str]
) -> None:
    webhook = await subscribe(allowing, admin, receiver.url, ["comment.published"])
    receiver.answers = [302, 307]
    await publish_one(allowing, settings)

    deliver_all(dataclasses.replace(settings, webhook_allow_networks=LOOPBACK))
    paths = [headers["Comments-Delivery"] for headers, _ in receiver.received]
    assert len(paths) == 3  # two redirects and the retry that succeeded; none was followed
    shown = await show(allowing, admin, webhook["id"])
    assert [(d["status"], d["ok"]) for d in shown["deliveries"]] == [
        (200, True), (307, False), (302, False)
    ]  # fmt: skip


async def test_a_connection_goes_to_the_pinned_address_whatever_the_host_resolves_to() -> None:
    """What stops DNS rebinding: the request names the host, the socket goes where the
    check said. `localhost` resolves to 127.0.0.1; the receiver is on 127.0.0.2 only."""
    with receiving("127.0.0.2") as receiver:
        target = parse(f"http://localhost:{receiver.port}/hooks")
        answer = await asyncio.to_thread(
            send, target, [ip_address("127.0.0.2")], b"{}", {"Content-Type": "application/json"}, 2
        )
    assert answer.status == 200
    [(headers, _)] = receiver.received
    assert headers["Host"] == f"localhost:{receiver.port}"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
async def test_https_checks_the_certificate_against_the_host_name(tmp_path: Path) -> None:
    """Pinned to an address, https still verifies the certificate for the URL's host: a
    self-signed one for `localhost` is refused, so nothing is sent."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    with receiving(tls=tls) as receiver:
        target = parse(f"https://localhost:{receiver.port}/hooks")
        answer = await asyncio.to_thread(send, target, [ip_address("127.0.0.1")], b"{}", {}, 2)
    assert answer.status is None
    assert "CERTIFICATE_VERIFY_FAILED" in answer.error
    assert receiver.received == []
