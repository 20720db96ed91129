"""XSS payloads through the whole pipeline (intake, worker, publication, the public list):
none is live in the HTML the service hands out."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from services.core.settings import Settings
from tests.helpers import Client, moderate_all, valid_submission

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    '"><script>alert(1)</script>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<SCRIPT>alert('XSS');//<</SCRIPT>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    'http://example.com/"onmouseover="alert(1)',
    "https://example.com/?q=<script>alert(1)</script>",
    "www.example.com/<img src=x onerror=alert(1)>",
    "<p onclick=alert(1)>paragraph</p><br/onload=alert(1)>",
    "<!--<script>alert(1)</script>-->",
    "<object data=javascript:alert(1)></object><embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><input type=submit></form>",
    "<body onload=alert(1)>",
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
]


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def assert_inert(markup: str) -> None:
    parser = Elements()
    parser.feed(markup)
    for tag, attrs in parser.found:
        assert tag in {"p", "br", "a"}, (tag, markup)
        names = {name for name, _ in attrs}
        if tag == "a":
            assert names == {"href", "rel"}, markup
            href = dict(attrs)["href"] or ""
            assert href.startswith(("http://", "https://")), markup
            assert dict(attrs)["rel"] == "nofollow ugc noopener"
        else:
            assert not names, markup


@pytest.fixture
async def published(aiohttp_client: Any, settings: Settings) -> list[dict[str, Any]]:
    from dataclasses import replace

    from services.api.app import create_app

    # Publish everything (no hold for links or scores) so every payload reaches the HTML.
    rules = replace(settings.rules, link_limit=100, hold_score=1.01, cold_hold_score=1.01,
                    spam_score=1.01)  # fmt: skip
    settings = replace(settings, rules=rules, rate_limits=False)
    client: Client = await aiohttp_client(create_app(settings))
    for n, payload in enumerate(PAYLOADS):
        document = valid_submission(content=f"Payload {n}: {payload}\n\nSecond paragraph.")
        document["author"]["email"] = f"xss{n}@example.com"
        assert (await client.post("/v1/articles/a1/comments", json=document)).status == 202
    moderate_all(settings)
    listed = await (await client.get("/v1/articles/a1/comments?limit=200")).json()
    return list(listed["comments"])


async def test_no_payload_is_live_in_the_published_html(published: list[dict[str, Any]]) -> None:
    assert len(published) == len(PAYLOADS)
    for comment in published:
        assert_inert(comment["content_html"])
        assert comment["content_html"].startswith("<p>Payload ")
        assert comment["content_html"].count("<p>") == 2
        assert "javascript:" not in "".join(
            value or "" for _, attrs in _elements(comment["content_html"]) for _, value in attrs
        )


async def test_the_text_survives_as_text(published: list[dict[str, Any]]) -> None:
    by_number = {int(c["content"].split(":")[0].split()[1]): c for c in published}
    for n, payload in enumerate(PAYLOADS):
        assert payload in by_number[n]["content"]  # the plain text is the text


def _elements(markup: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = Elements()
    parser.feed(markup)
    return parser.found
