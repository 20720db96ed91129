"""The moderation web page in headless Chromium (Debian's package, driven by Playwright)
against the real API, Redis and RQ workers."""

from __future__ import annotations

import json
import re
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
    # Signed in, the sign-in form is gone (the hidden attribute beats `form { display: flex }`).
    assert not await page.locator("#signin").is_visible()
    assert await page.get_by_role("button", name="Sign out").is_visible()

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


async def sign_in(client: Any, browser: Any, headers: dict[str, str]) -> Any:
    page = await browser.new_page()
    await page.goto(str(client.make_url("/moderation")))
    await page.get_by_label("Moderator token").fill(headers["Authorization"].split()[1])
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("button", name="Sign out").wait_for()
    return page


async def moderation(client: Any, path: str, headers: dict[str, str]) -> Any:
    response = await client.get(f"/v1/moderation/{path}", headers=headers)
    assert response.status == 200
    return await response.json()


async def test_a_moderator_removes_a_comment_bans_lifts_and_reads_the_audit_log(
    client: Any, redis: Redis, settings: Settings, browser: Any
) -> None:
    from playwright.async_api import expect

    published = await post(client, "A kind and ordinary comment.", 1)
    held = await post(client, f"Spammy sources: {LINKS}", 2)
    moderate_all(settings)
    headers = token(redis, "moderator", "alice")
    assert (await moderation(client, f"comments/{published}", headers))["state"] == "published"
    page = await sign_in(client, browser, headers)
    status = page.locator("#status")

    # A published comment taken down by its id.
    await page.get_by_label("Comment id", exact=True).fill(published)
    await page.get_by_label("Reason for removing").fill("off topic")
    await page.get_by_role("button", name="Remove", exact=True).click()
    await expect(status).to_have_text(f"Removed comment {published}.")
    assert (await moderation(client, f"comments/{published}", headers))["state"] == "removed"

    # Bans: the held comment's author from the queue, the first comment's client address
    # from the form; one lifted.
    item = page.locator(f"#queue > li[data-id='{held}']")
    await item.get_by_role("button", name="Ban author").click()
    await expect(status).to_have_text(re.compile("^Banned author"))
    await page.get_by_role("button", name="Bans").click()
    await page.get_by_label("Ban", exact=True).select_option("client")
    await page.get_by_label("of comment id, or hash").fill(published)
    await page.get_by_label("for days").fill("2")
    await page.get_by_label("Reason for the ban").fill("flooding")
    await page.get_by_role("button", name="Ban", exact=True).click()
    rows = page.locator("#bans tbody tr")
    await expect(rows).to_have_count(2)
    bans = (await moderation(client, "bans", headers))["bans"]
    assert sorted((b["scope"], b["reason"], b["by"]) for b in bans) == [
        ("author", "", "alice"), ("client", "flooding", "alice")
    ]  # fmt: skip
    record = await moderation(client, f"comments/{held}", headers)
    author_ban = next(b for b in bans if b["scope"] == "author")
    assert author_ban["hash"] == record["author"]["email_hash"]
    await (
        page.locator(f"#bans tr[data-hash='{author_ban['hash']}']")
        .get_by_role("button", name=re.compile("^Lift"))
        .click()
    )
    await expect(rows).to_have_count(1)
    assert [b["scope"] for b in (await moderation(client, "bans", headers))["bans"]] == ["client"]

    # The audit log, newest first, paged by the API's next_before.
    for n in range(50):
        response = await client.post(
            "/v1/moderation/bans",
            json={"scope": "author", "hash": f"{n:064x}", "reason": f"bulk {n}"},
            headers=headers,
        )
        assert response.status == 201
    await page.get_by_role("button", name="Audit log").click()
    entries = page.locator("#audit tbody tr")
    await expect(entries).to_have_count(50)
    await expect(entries.first).to_contain_text("bulk 49")
    await page.get_by_role("button", name="Older entries").click()
    await expect(entries).to_have_count(54)
    await expect(page.get_by_role("button", name="Older entries")).to_be_hidden()
    actions = [await entries.nth(i).locator("td").nth(2).inner_text() for i in range(50, 54)]
    assert actions == ["unban", "ban", "ban", "remove"]
    await expect(entries.last).to_contain_text(f"comment_id: {published}")
    logged = (await moderation(client, "audit?limit=200", headers))["entries"]
    assert [await entries.nth(i).get_attribute("data-id") for i in range(54)] == [
        e["id"] for e in logged
    ]


async def test_an_admin_edits_the_rules_in_the_browser(
    client: Any, redis: Redis, browser: Any
) -> None:
    from playwright.async_api import expect

    admin = token(redis, "admin", "root")
    page = await sign_in(client, browser, admin)
    await page.get_by_role("button", name="Rules").click()
    editor = page.get_by_label("The rules in force (JSON)")
    await expect(page.locator("#rules-version")).to_have_text("Version 0.")
    rules = json.loads(await editor.input_value())
    assert rules == (await moderation(client, "rules", admin))["rules"]

    # Two errors: each shown with its pointer, nothing saved.
    await editor.fill(json.dumps({**rules, "link_limit": -1, "spam_score": "high"}))
    await page.get_by_role("button", name="Save rules").click()
    errors = page.locator("#rules-errors li")
    await expect(errors).to_have_count(2)
    shown = await errors.all_inner_texts()
    assert sorted(e.split(":")[0] for e in shown) == ["/rules/link_limit", "/rules/spam_score"]
    assert (await moderation(client, "rules", admin))["version"] == 0

    await editor.fill(json.dumps({**rules, "link_limit": 5}, indent=2))
    await page.get_by_role("button", name="Save rules").click()
    await expect(page.locator("#status")).to_have_text("Rules saved: version 1 is in force.")
    await expect(errors).to_have_count(0)
    stored = await moderation(client, "rules", admin)
    assert (stored["version"], stored["rules"]["link_limit"], stored["updated_by"]) == (
        1,
        5,
        "root",
    )

    # Someone else changes them meanwhile: saving says to reload, and Reload shows theirs.
    other = await client.put(
        "/v1/moderation/rules",
        json={"version": 1, "rules": {**stored["rules"], "link_limit": 7}},
        headers=admin,
    )
    assert other.status == 200
    await editor.fill(json.dumps({**rules, "link_limit": 3}))
    await page.get_by_role("button", name="Save rules").click()
    await expect(page.locator("#status")).to_contain_text("Reload to see the rules in force")
    assert (await moderation(client, "rules", admin))["rules"]["link_limit"] == 7
    await page.get_by_role("button", name="Reload").click()
    await expect(page.locator("#rules-version")).to_contain_text("Version 2, by root")
    assert json.loads(await editor.input_value())["link_limit"] == 7
