"""The embeddable widget in headless Chromium: the example article page, served from its own
origin as a news site would serve it, with the real `comments up` behind the widget."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.client import request, wait_for
from tests.e2e.conftest import needs_chromium, running_service

pytestmark = needs_chromium
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "article.html"
ARTICLE = "gazette-2026-11-28-bike-lanes"
HOSTILE = "<img src=x onerror=\"document.title='owned'\"> I was at the meeting <b>too</b>."


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A news site's web server on its own port: it serves a copy of the example page
    (the widget's src is filled in once the service's port is known)."""
    root = tmp_path / "site"
    root.mkdir()
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


def status_of(base: str, comment_id: str) -> str:
    return str(request("GET", f"{base}/v1/comments/{comment_id}")[1]["status"])


async def open_article(browser_context: Any, url: str, errors: list[str]) -> Any:
    from playwright.async_api import expect

    page = await browser_context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    await page.goto(url)
    await expect(page.get_by_role("heading", name="Leave a Reply")).to_be_visible()
    return page


async def test_a_reader_replies_through_the_widget_and_another_tab_sees_it_live(
    tmp_path: Path, site: tuple[str, Path], browser: Any
) -> None:
    from playwright.async_api import expect

    origin, root = site
    with running_service(tmp_path, COMMENTS_CORS_ORIGINS=origin, COMMENTS_MIN_FILL_MS="500") as (
        base,
        _,
        _,
    ):
        html = EXAMPLE.read_text().replace("http://127.0.0.1:8000", base)
        assert base in html, "the example page's script src moved: update this test"
        (root / "article.html").write_text(html)
        status, seeded = request(
            "POST",
            f"{base}/v1/articles/{ARTICLE}/comments",
            {"author": {"name": "Mallory", "email": "mallory@example.com"}, "content": HOSTILE},
        )
        assert status == 202
        wait_for(lambda: status_of(base, seeded["id"]) == "published", 10, "the seed published")

        errors: list[str] = []
        context = await browser.new_context()
        reader = await open_article(context, f"{origin}/article.html", errors)
        await expect(reader.get_by_role("heading", name="1 Comment")).to_be_visible()
        # Comment text is text: the markup in it is shown, never run.
        await expect(reader.locator(".lar-content")).to_have_text(HOSTILE)
        assert await reader.locator(".lar img, .lar b").count() == 0
        await reader.evaluate("window.neverReloaded = true")

        writer = await open_article(context, f"{origin}/article.html", errors)
        await expect(
            writer.get_by_text("Your email address will not be published.")
        ).to_be_visible()
        # Sent empty: every required field says what is wrong, and the first gets the focus.
        await writer.get_by_role("button", name="Post Comment").click()
        comment = writer.get_by_label("Comment *")
        await expect(comment).to_be_focused()
        await expect(comment).to_have_attribute("aria-invalid", "true")
        await expect(writer.get_by_text("Please give your name.")).to_be_visible()

        await comment.fill("Protected lanes made my commute safer.\nGood decision.")
        await writer.get_by_label("Name *").fill("Grace")
        await writer.get_by_label("Email *").fill("grace@example.com")
        await writer.get_by_label("Website").fill("https://grace.example")
        await writer.wait_for_timeout(500)  # a person takes longer than COMMENTS_MIN_FILL_MS
        await writer.get_by_role("button", name="Post Comment").press("Enter")  # the keyboard
        await expect(writer.locator(".lar-status")).to_have_text(re.compile("awaiting moderation"))

        # The worker publishes it; the other tab shows it without reloading, the writer's
        # tab learns it too.
        await expect(reader.get_by_role("heading", name="2 Comments")).to_be_visible(timeout=10_000)
        grace = reader.locator(".lar-comment", has_text="Grace")
        await expect(grace.locator(".lar-content")).to_have_text(
            "Protected lanes made my commute safer.\nGood decision."
        )
        await expect(grace.get_by_role("link", name="Grace")).to_have_attribute(
            "href", "https://grace.example"
        )
        # The name is isolated: an override or a right-to-left name cannot reorder the page.
        await expect(grace.locator("bdi.lar-name")).to_have_text("Grace")
        assert await reader.evaluate("window.neverReloaded") is True
        await expect(writer.locator(".lar-status")).to_have_text(
            "Your comment is published.", timeout=10_000
        )
        assert "grace@example.com" not in await reader.content()

        # A reply from the reader's tab lands under its parent in the writer's tab.
        await grace.get_by_role("button", name="Reply to Grace").click()
        await expect(reader.get_by_text("Replying to Grace.")).to_be_visible()
        await expect(reader.get_by_label("Comment *")).to_be_focused()
        await reader.get_by_label("Comment *").fill("Agreed, and the buses are faster too.")
        await reader.get_by_label("Name *").fill("Alan")
        await reader.get_by_label("Email *").fill("alan@example.com")
        await reader.get_by_role("button", name="Post Comment").click()
        nested = writer.locator(".lar-comment", has_text="Grace").locator(
            ".lar-replies .lar-comment"
        )
        await expect(nested).to_have_text(re.compile("buses are faster"), timeout=10_000)

        # A comment the checks hold stays with its author, marked, and reaches nobody else.
        links = "https://a.example/1 https://b.example/2 https://c.example/3"
        await writer.get_by_label("Comment *").fill(f"Sources: {links}")
        await writer.get_by_role("button", name="Post Comment").click()
        pending = writer.locator(".lar-pending")
        await expect(pending.locator(".lar-moderation")).to_have_text(
            "Your comment is awaiting moderation."
        )
        held_id = await pending.get_attribute("data-id")
        assert held_id
        wait_for(lambda: status_of(base, held_id) == "held", 10, "the comment held")
        await writer.wait_for_timeout(2500)  # the widget's next look at the status
        await expect(pending).to_have_count(1)
        await expect(writer.locator(".lar-status")).to_have_text(
            "Your comment is awaiting moderation."
        )
        await expect(reader.get_by_role("heading", name="3 Comments")).to_be_visible()
        await expect(reader.get_by_text("Sources:")).to_have_count(0)
        assert errors == []
        await context.close()
