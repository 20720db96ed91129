"""The moderation page's reported queue, trusted commenters and article settings, in headless
Chromium (Debian's package, driven by Playwright) against the real API, Redis and RQ workers."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from redis import Redis

from services.api.app import create_app
from services.core.settings import Settings
from tests.e2e.conftest import needs_chromium
from tests.e2e.test_moderation_page import moderation, sign_in
from tests.helpers import Client, ServiceTestServer, moderate_all, token, valid_submission

pytestmark = needs_chromium


@pytest.fixture
async def api(aiohttp_client: Any, settings: Settings) -> Client:
    """Behind a trusted proxy on loopback: X-Forwarded-For names each reader."""
    proxied = replace(settings, trusted_proxies=("127.0.0.1/32", "::1/128"))
    return await aiohttp_client(ServiceTestServer(create_app(proxied)))  # type: ignore[no-any-return]


async def post(api: Client, settings: Settings, content: str, email: str) -> str:
    """A comment, moderated by the workers; its id."""
    document = valid_submission(content=content)
    document["author"]["email"] = email
    response = await api.post("/v1/articles/a1/comments", json=document)
    assert response.status == 202
    moderate_all(settings)
    return str((await response.json())["id"])


async def status_of(api: Client, comment_id: str) -> str:
    return str((await (await api.get(f"/v1/comments/{comment_id}")).json())["status"])


async def reported_by(api: Client, comment_id: str, readers: range, note: str) -> None:
    for reader in readers:
        response = await api.post(
            f"/v1/comments/{comment_id}/reports",
            json={"reason": "abuse" if reader % 2 else "spam", "note": note},
            headers={"X-Forwarded-For": f"203.0.113.{reader}"},
        )
        assert response.status == 202


async def test_a_moderator_works_the_reported_queue(
    api: Client, redis: Redis, settings: Settings, browser: Any
) -> None:
    from playwright.async_api import expect

    rude = await post(api, settings, "An opinion some readers dislike.", "rude@example.com")
    mild = await post(api, settings, "Another opinion on the budget.", "mild@example.com")
    await reported_by(api, rude, range(1, 4), "<b>Rude</b> to another reader")
    await reported_by(api, mild, range(4, 5), "")
    assert await status_of(api, rude) == "held"  # withdrawn after three readers
    headers = token(redis, "moderator", "alice")
    page = await sign_in(api, browser, headers)
    await page.get_by_label("Show").select_option("reported")
    items = page.locator("#queue > li")
    await expect(items).to_have_count(2)

    # Most reported first, with the count, the reasons and the notes (markup as text).
    assert [await items.nth(i).get_attribute("data-id") for i in range(2)] == [rude, mild]
    first = items.nth(0)
    await expect(first.locator(".report-count")).to_have_text("3 reports; the comment is held.")
    assert await first.locator(".report-reasons li").all_inner_texts() == ["abuse: 2", "spam: 1"]
    notes = await first.locator(".report-notes li").all_inner_texts()
    note = "<b>Rude</b> to another reader"
    assert notes == [f"abuse: {note}", f"spam: {note}", f"abuse: {note}"]  # newest first
    assert await page.locator("#queue b").count() == 0
    await expect(items.nth(1).locator(".report-count")).to_have_text(
        "1 report; the comment is published."
    )
    await expect(first.get_by_role("button", name="Approve")).to_be_hidden()

    # Dismiss: published again, out of the queue; remove the other for good.
    await first.get_by_role("button", name="Dismiss reports").click()
    await expect(items).to_have_count(1)
    assert await status_of(api, rude) == "published"
    await items.nth(0).get_by_role("button", name="Remove").click()
    await expect(items).to_have_count(0)
    assert (await moderation(api, f"comments/{mild}", headers))["state"] == "removed"
    queue = await moderation(api, "queue?state=reported", headers)
    assert queue["items"] == []
    audit = await moderation(api, "audit", headers)
    assert [e["action"] for e in audit["entries"]][:2] == ["remove", "dismiss"]


async def test_a_moderator_trusts_an_author_from_the_queue_and_stops(
    api: Client, redis: Redis, settings: Settings, browser: Any
) -> None:
    from playwright.async_api import expect

    admin = token(redis, "admin", "root")
    rules = (await moderation(api, "rules", admin))["rules"]
    saved = await api.put(
        "/v1/moderation/rules",
        json={"version": 0, "rules": {**rules, "premoderation": "all"}},
        headers=admin,
    )
    assert saved.status == 200
    email = "regular@example.com"
    held = await post(api, settings, "A first comment from a regular.", email)
    assert await status_of(api, held) == "held"  # every comment waits for a moderator

    page = await sign_in(api, browser, token(redis, "moderator", "alice"))
    item = page.locator(f"#queue > li[data-id='{held}']")
    await item.get_by_role("button", name="Trust author").click()
    await expect(page.locator("#status")).to_have_text(re.compile("^Trusted the author"))
    later = await post(api, settings, "A second comment from the regular.", email)
    assert await status_of(api, later) == "published"

    await page.get_by_role("button", name="Trusted").click()
    rows = page.locator("#trusted tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(held)
    await expect(rows.first).to_contain_text("alice")
    author_hash = (await moderation(api, f"comments/{held}", admin))["author"]["email_hash"]
    assert await rows.first.get_attribute("data-hash") == author_hash
    await rows.first.get_by_role("button", name="Stop trusting").click()
    await expect(rows).to_have_count(0)
    await expect(page.locator("#trusted-empty")).to_be_visible()
    assert (await moderation(api, "trusted", admin))["trusted"] == []
    again = await post(api, settings, "A third comment from the regular.", email)
    assert await status_of(api, again) == "held"


async def test_a_moderator_closes_and_reopens_an_article(
    api: Client, redis: Redis, settings: Settings, browser: Any
) -> None:
    from playwright.async_api import expect

    site = token(redis, "site", "newsroom")
    described = await api.put(
        "/v1/articles/a1", json={"title": "The council's budget", "language": "en"}, headers=site
    )
    assert described.status == 201
    page = await sign_in(api, browser, token(redis, "moderator", "alice"))
    await page.get_by_role("button", name="Articles").click()
    await page.get_by_label("Article id").fill("a1")
    await page.get_by_role("button", name="Show settings").click()
    effective = page.locator("#article-effective")
    await expect(effective).to_contain_text("Comments are open.")
    await expect(effective).to_contain_text("Pre-moderation: none (site default).")

    # A bad value: the API's error next to its field, nothing saved.
    await page.get_by_label("Close after days").fill("-1")
    await page.get_by_role("button", name="Save settings").click()
    await expect(page.locator("#article-days-error")).to_contain_text(re.compile(".+"))
    stored = await (await api.get("/v1/articles/a1", headers=site)).json()
    assert stored["comments"]["stored"]["close_after_days"] is None

    await page.get_by_label("Close after days").fill("")
    await page.get_by_label("Pre-moderation").select_option("first-time")
    await page.get_by_role("button", name="Close comments").click()
    await expect(effective).to_contain_text("Comments are closed")
    await expect(page.locator("#article-days-error")).to_be_hidden()
    stored = await (await api.get("/v1/articles/a1", headers=site)).json()
    assert (stored["title"], stored["comments"]["stored"]) == (
        "The council's budget",
        {"status": "closed", "close_after_days": None, "premoderation": "first-time"},
    )
    refused = await api.post("/v1/articles/a1/comments", json=valid_submission())
    assert refused.status == 403
    assert (await refused.json())["type"] == "/problems/comments-closed"

    await page.get_by_role("button", name="Reopen comments").click()
    await expect(effective).to_contain_text("Comments are open.")
    accepted = await api.post("/v1/articles/a1/comments", json=valid_submission())
    assert accepted.status == 202

    # Both changes are in the audit log the page shows.
    await page.get_by_role("button", name="Audit log").click()
    actions = page.locator("#audit tbody tr td:nth-child(3)")
    await expect(actions.first).to_have_text("article.reopen")
    await expect(actions.nth(1)).to_have_text("article.close")
    await expect(page.locator("#audit tbody tr").first).to_contain_text("article_id: a1")


async def test_a_decision_on_a_comment_its_author_edited_meanwhile_is_refused(
    api: Client, redis: Redis, settings: Settings, browser: Any
) -> None:
    from playwright.async_api import expect

    links = "Sources: https://a.example/1 https://b.example/2 https://c.example/3"
    response = await api.post("/v1/articles/a1/comments", json=valid_submission(content=links))
    accepted = await response.json()
    moderate_all(settings)
    page = await sign_in(api, browser, token(redis, "moderator", "alice"))
    item = page.locator(f"#queue > li[data-id='{accepted['id']}']")
    await expect(item.locator(".content")).to_have_text(links)

    # The author edits it while it is on the moderator's screen (not refreshed: no live
    # updates); it is held again.
    await page.evaluate("() => { streamAbort.abort(); }")
    edited = f"{links} https://d.example/4"
    answer = await api.patch(
        f"/v1/comments/{accepted['id']}",
        json={"content": edited},
        headers={"Edit-Token": accepted["edit_token"]},
    )
    assert answer.status == 202
    moderate_all(settings)
    await item.get_by_role("button", name="Approve").click()
    await expect(page.locator("#status")).to_contain_text("its author edited the comment")
    assert await status_of(api, accepted["id"]) == "held"
    await expect(item.locator(".content")).to_have_text(edited)
