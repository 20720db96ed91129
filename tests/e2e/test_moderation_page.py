"""The moderation web page in headless Chromium (Debian's package, driven by Playwright)
against the real API, Redis and RQ workers."""

from __future__ import annotations

from typing import Any

from redis import Redis

from services.core.settings import Settings
from tests.e2e.conftest import needs_chromium
from tests.helpers import moderate_all, token, valid_submission

pytestmark = needs_chromium
LINKS = "https://a.example/1 https://b.example/2 https://c.example/3"


async def post(client: Any, content: str, n: int) -> str:
    document = valid_submission(content=content)
    document["author"]["email"] = f"page{n}@example.com"
    document["author"]["name"] = f"Reader {n}"
    response = await client.post("/v1/articles/a1/comments", json=document)
    assert response.status == 202
    return str((await response.json())["id"])


async def test_a_moderator_works_the_queue_in_the_browser(
    client: Any, redis: Redis, settings: Settings, browser: Any
) -> None:
    from playwright.async_api import expect

    first = await post(client, f"Good sources: {LINKS}", 1)
    second = await post(client, f"<img src=x onerror=alert(1)> buy now {LINKS}", 2)
    moderate_all(settings)
    headers = token(redis, "moderator", "alice")

    page = await browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await page.goto(str(client.make_url("/moderation")))
    await page.get_by_label("Moderator token").fill(headers["Authorization"].split()[1])
    await page.get_by_role("button", name="Sign in").click()
    items = page.locator("#queue > li")
    await items.nth(1).wait_for()
    assert await items.count() == 2

    # Comment text is shown as text: the markup in it is inert.
    assert await items.nth(1).locator(".content").inner_text() == (
        f"<img src=x onerror=alert(1)> buy now {LINKS}"
    )
    assert await page.locator("#queue img").count() == 0
    # Names are isolated (<bdi>): an override in one cannot reorder the row around it.
    assert await items.nth(1).locator("bdi.author").inner_text() == "Reader 2"
    assert "links: 3 links, more than 2" in await items.nth(0).locator(".reasons").inner_text()

    # Approve the first with the mouse, mark the second spam with the keyboard.
    await items.nth(0).get_by_role("button", name="Approve").click()
    await expect(items).to_have_count(1)
    await page.locator("body").press("s")
    await expect(items).to_have_count(0)

    listed = await (await client.get("/v1/articles/a1/comments")).json()
    assert [c["id"] for c in listed["comments"]] == [first]
    assert (await (await client.get(f"/v1/comments/{second}")).json())["status"] == "spam"

    # A new held comment arrives without reloading the page.
    third = await post(client, f"More sources: {LINKS}", 3)
    moderate_all(settings)
    await page.locator(f"#queue > li[data-id='{third}']").wait_for(timeout=10_000)
    assert dialogs == []
