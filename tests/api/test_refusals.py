"""Refusals over a raw socket, byte for byte as a client sends them, to the real server on the
production runner: aiohttp's own refusals, undecodable headers and bodies too large while
they stream are `application/problem+json` too, and store nothing."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, replace
from typing import Any

import pytest
from redis import Redis

from services.api import bodies
from services.api.app import create_app
from services.core.settings import Settings
from tests.helpers import Client, ServiceTestServer, dump, token, valid_submission

URL = b"/v1/articles/a1/comments"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]


async def exchange(client: Client, *parts: bytes, pause: float = 0.0) -> Answer:
    """Send `parts` one write at a time (`pause` seconds apart) and read one answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    try:
        for part in parts:
            writer.write(part)
            await writer.drain()
            await asyncio.sleep(pause)
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
        body = await asyncio.wait_for(reader.readexactly(int(headers["content-length"])), 10)
    finally:
        writer.close()
    return Answer(int(status_line.split()[1]), headers, json.loads(body))


def assert_problem(answer: Answer, status: int, redis: Redis) -> None:
    assert answer.status == status, answer
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.body["status"] == status and answer.body["title"] and answer.body["detail"]
    assert dump(redis) == {}, "a refusal stored something"


def request(*headers: bytes, method: bytes = b"GET", path: bytes = b"/healthz") -> bytes:
    return b"\r\n".join([method + b" " + path + b" HTTP/1.1", b"Host: 127.0.0.1", *headers])


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (request(path=b"/" + b"a" * 9000) + b"\r\n\r\n", "longer than the server accepts"),
        (request(b"X-Long: " + b"a" * 9000) + b"\r\n\r\n", "longer than the server accepts"),
        (request(*(b"X-%d: a" % i for i in range(200))) + b"\r\n\r\n", "Too many headers"),
        (
            request(
                b"Content-Length: 5",
                b"Transfer-Encoding: chunked",
                method=b"POST",
                path=URL,
            )
            + b"\r\n\r\n0\r\n\r\n",
            "Transfer-Encoding can't be present with Content-Length",
        ),
        (request(b"X-Nul: a\x00b") + b"\r\n\r\n", "Invalid header value char"),
        (b"G(T /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "not a valid HTTP method"),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", "not HTTPS"),
    ],
    ids=["request-line", "header", "many-headers", "length-and-chunked", "nul", "method", "tls"],
)
async def test_the_parser_refusals_are_problems(
    client: Client, redis: Redis, raw: bytes, detail: str
) -> None:
    answer = await exchange(client, raw)
    assert_problem(answer, 400, redis)
    assert detail in answer.body["detail"]
    assert "aaaa" not in answer.body["detail"], "the request's bytes are not echoed"


async def test_an_expectation_the_server_cannot_meet_is_a_problem(
    client: Client, redis: Redis
) -> None:
    """aiohttp answers an `Expect` other than `100-continue` before any middleware runs."""
    body = json.dumps(valid_submission()).encode()
    head = request(
        b"Expect: 200-ok",
        b"Content-Type: application/json",
        b"Content-Length: %d" % len(body),
        method=b"POST",
        path=URL,
    )
    answer = await exchange(client, head + b"\r\n\r\n" + body)
    assert_problem(answer, 417, redis)


async def test_a_chunked_body_is_refused_once_it_passes_the_limit(
    client: Client, redis: Redis, settings: Settings
) -> None:
    """The body never ends: a server that buffers it to the app's 1 MiB cap never answers."""
    head = request(
        b"Content-Type: application/json", b"Transfer-Encoding: chunked", method=b"POST", path=URL
    )
    chunk = b"%x\r\n%s\r\n" % (16 * 1024, b"x" * 16 * 1024)
    chunks = settings.max_body_bytes // (16 * 1024) + 2
    answer = await exchange(client, head + b"\r\n\r\n", *[chunk] * chunks)
    assert_problem(answer, 413, redis)
    assert str(settings.max_body_bytes) in answer.body["detail"]


@pytest.mark.parametrize(
    "rest",
    [
        [b"Content-Length: 100\r\n\r\n", b'{"content": "half'],
        [b"Transfer-Encoding: chunked\r\n\r\n", b'5\r\n{"a":\r\n', b"zz\r\nbroken\r\n"],
    ],
    ids=["stops-sending", "broken-chunk"],
)
async def test_a_body_that_stops_arriving_is_408(
    client: Client, redis: Redis, monkeypatch: pytest.MonkeyPatch, rest: list[bytes]
) -> None:
    """Without a deadline the handler waits for the rest for as long as the client keeps the
    connection: a broken chunk after the first one is never reported to the reader."""
    monkeypatch.setattr(bodies, "BODY_TIMEOUT_S", 0.5)
    head = request(b"Content-Type: application/json", method=b"POST", path=URL) + b"\r\n"
    answer = await exchange(client, head + rest[0], *rest[1:])
    assert_problem(answer, 408, redis)
    assert answer.headers["connection"] == "close"


@pytest.mark.parametrize(
    ("method", "path"), [(b"GET", b"/v1/moderation/queue"), (b"POST", URL)], ids=["read", "post"]
)
async def test_an_undecodable_authorization_is_401(
    client: Client, redis: Redis, method: bytes, path: bytes
) -> None:
    body = json.dumps(valid_submission()).encode()
    raw = request(
        b"Authorization: Bearer \xff\xfe-token",
        b"Content-Type: application/json",
        b"Content-Length: %d" % len(body),
        method=method,
        path=path,
    )
    answer = await exchange(client, raw + b"\r\n\r\n" + body)
    assert_problem(answer, 401, redis)
    assert answer.headers["www-authenticate"].startswith("Bearer")


async def test_a_refused_preflight_is_a_problem(
    aiohttp_client: Any, settings: Settings, redis: Redis
) -> None:
    client = await aiohttp_client(
        ServiceTestServer(create_app(replace(settings, cors_origins=("https://news.example",))))
    )
    raw = request(
        b"Origin: https://evil.example",
        b"Access-Control-Request-Method: POST",
        method=b"OPTIONS",
        path=URL,
    )
    answer = await exchange(client, raw + b"\r\n\r\n")
    assert_problem(answer, 403, redis)
    assert "access-control-allow-origin" not in answer.headers


async def test_an_undecodable_origin_is_not_echoed(
    aiohttp_client: Any, settings: Settings, redis: Redis
) -> None:
    client = await aiohttp_client(
        ServiceTestServer(create_app(replace(settings, cors_origins=("*",))))
    )
    count = b"/v1/articles/a1/comments/count"
    answer = await exchange(
        client, request(b"Origin: https://news.example", path=count) + b"\r\n\r\n"
    )
    assert answer.headers["access-control-allow-origin"] == "https://news.example"
    raw = request(b"Origin: https://\xff.example", path=count) + b"\r\n\r\n"
    answer = await exchange(client, raw)
    assert answer.status == 200
    assert "access-control-allow-origin" not in answer.headers


async def test_an_undecodable_forwarded_for_is_skipped(
    aiohttp_client: Any, settings: Settings, redis: Redis
) -> None:
    trusted = replace(settings, trusted_proxies=("127.0.0.1/32",))
    client = await aiohttp_client(ServiceTestServer(create_app(trusted)))
    body = json.dumps(valid_submission()).encode()
    raw = request(
        b"X-Forwarded-For: \xff\xfe, 203.0.113.9",
        b"Content-Type: application/json",
        b"Content-Length: %d" % len(body),
        method=b"POST",
        path=URL,
    )
    answer = await exchange(client, raw + b"\r\n\r\n" + body)
    assert answer.status == 202, answer
    junk = request(b"X-Forwarded-For: \xff", method=b"POST", path=URL)
    answer = await exchange(
        client,
        junk
        + b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
        + body.replace(b"ada@", b"bob@"),
    )
    assert answer.status == 202, answer


@pytest.mark.parametrize(
    "path",
    ["/v1/articles/a1/comments", "/v1/moderation/queue", "/v1/moderation/audit"],
)
async def test_a_limit_of_5000_digits_is_400(client: Client, redis: Redis, path: str) -> None:
    moderator = token(redis, "moderator")
    before = dump(redis)
    response = await client.get(f"{path}?limit={'9' * 5000}", headers=moderator)
    assert response.status == 400
    assert (await response.json(content_type=None))["errors"][0]["pointer"] == "limit"
    assert dump(redis) == before
