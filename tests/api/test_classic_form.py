"""Which clients get the classic form's answers, and which pages they may be sent back to."""

from __future__ import annotations

import pytest

from services.api.classic_form import allowed, wants_html

ORIGINS = ("https://news.example", "http://localhost:8080", "*")


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # Chromium
        ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8", True),
        ("application/xhtml+xml", True),
        ("*/*", False),  # curl
        ("", False),
        ("application/json", False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0", False),
        ("text/html;q=nope", False),
    ],
)
def test_who_gets_html(accept: str, html: bool) -> None:
    assert wants_html(accept) is html


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://news.example/2026/12/story", True),
        ("https://NEWS.example:443/story?x=1#respond", True),
        ("http://localhost:8080/a", True),
        ("http://news.example/story", False),  # another scheme is another origin
        ("https://news.example.evil.example/", False),
        ("https://news.example@evil.example/", False),
        ("https://evil.example/", False),  # `*` lets pages read, never redirects
        ("//evil.example/", False),
        ("/relative", False),
        ("javascript:alert(1)", False),
        ("https://news.example\\@evil.example/", False),
        ("https://news.example:99999/", False),
        ("https://news.example/\u00e9", False),
        ("https://news.example/a b", False),
    ],
)
def test_which_pages_a_form_may_return_to(url: str, ok: bool) -> None:
    assert allowed(url, ORIGINS) is ok
