"""The widget's "Report" link in headless Chromium, against a running `comments up`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.client import request, wait_for
from tests.e2e.conftest import needs_chromium, running_service
from tests.e2e.test_widget import ARTICLE, EXAMPLE, open_article, site, status_of

pytestmark = needs_chromium
__all__ = ["site"]  # the fixture, shared with test_widget.py


async def test_a_reader_reports_a_comment_from_the_widget(
    tmp_path: Path, site: tuple[str, Path], browser: Any
) -> None:
    from playwright.async_api import expect

    origin, root = site
    with running_service(tmp_path, COMMENTS_CORS_ORIGINS=origin) as (base, _, _):
        (root / "article.html").write_text(
            EXAMPLE.read_text().replace("http://127.0.0.1:8000", base)
        )
        status, seeded = request(
            "POST",
            f"{base}/v1/articles/{ARTICLE}/comments",
            {"author": {"name": "Mallory", "email": "mallory@example.com"}, "content": "Fair."},
        )
        assert status == 202
        wait_for(lambda: status_of(base, seeded["id"]) == "published", 10, "the seed published")
        errors: list[str] = []
        page = await open_article(await browser.new_context(), f"{origin}/article.html", errors)
        await page.get_by_role("button", name="Report the comment by Mallory").click()
        await page.get_by_label("Abusive or hateful").check()
        await page.get_by_label("Anything to add? (optional)").fill("Rude to another reader")
        await page.get_by_role("button", name="Send report").click()
        await expect(
            page.get_by_text("Thank you. A moderator will look at this comment.")
        ).to_be_visible()
        again = request("POST", f"{base}/v1/comments/{seeded['id']}/reports", {"reason": "spam"})
        assert again[0] == 409 and again[1]["type"] == "/problems/already-reported"
        assert errors == []
