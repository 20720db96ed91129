"""Newsroom controls through a real `comments up`: a moderator closes an article, the site
pre-moderates first-time authors, an article holds everything, a trusted author skips a
score hold but not a ban."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from services.worker.context import RULES_TTL
from tests.e2e.client import authed, comments_cli, final_status, request
from tests.e2e.conftest import running_service


def post(base: str, article: str, email: str, content: str) -> tuple[int, Any]:
    document = {"author": {"name": email.split("@")[0].title(), "email": email}, "content": content}
    return request("POST", f"{base}/v1/articles/{article}/comments", document)


def decided(base: str, token: str, article: str, email: str, content: str) -> dict[str, Any]:
    """The comment as a moderator sees it, once the workers decided it."""
    status, accepted = post(base, article, email, content)
    assert status == 202, accepted
    final_status(base, accepted)
    one = authed("GET", f"{base}/v1/moderation/comments/{accepted['id']}", token)[1]
    return dict(one)


def reasons(comment: dict[str, Any]) -> dict[str, str]:
    return {r["check"]: r["detail"] for r in comment["verdict"]["reasons"]}


def make_token(data_dir: Path, role: str, name: str) -> str:
    made = comments_cli(data_dir, "token", "create", "--role", role, "--name", name)
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def test_a_newsroom_closes_pre_moderates_and_trusts(tmp_path: Path) -> None:
    environ = {"COMMENTS_PREMODERATION": "first-time", "COMMENTS_RATE_LIMITS": "off"}
    with running_service(tmp_path, **environ) as (base, _process, data_dir):
        moderator = make_token(data_dir, "moderator", "mia")
        admin = make_token(data_dir, "admin", "root")

        # Closed: refused with 403 comments-closed, and nothing stored.
        court = {"title": "Trial opens", "comments": {"status": "closed"}}
        assert authed("PUT", f"{base}/v1/articles/court", moderator, court)[0] == 201
        status, problem = post(base, "court", "ada@example.com", "The defendant is guilty.")
        assert (status, problem["type"].endswith("comments-closed")) == (403, True)
        for state in ("pending", "held", "rejected", "spam"):
            queue = f"{base}/v1/moderation/queue?state={state}&article_id=court"
            assert authed("GET", queue, moderator)[1]["items"] == []
        assert request("GET", f"{base}/v1/articles/court/comments/count")[1]["count"] == 0
        audit = authed("GET", f"{base}/v1/moderation/audit", moderator)[1]["entries"]
        assert (audit[0]["action"], audit[0]["actor"]) == ("article.close", "mia")

        # First-time: a newcomer waits; once approved, their next comment is published.
        first = decided(base, moderator, "budget", "ada@example.com", "Where does the money go?")
        assert first["state"] == "held"
        assert reasons(first)["premoderation"].startswith("pre-moderation: first-time author")
        approve = {"action": "approve", "reason": "fine"}
        decision = f"{base}/v1/moderation/comments/{first['id']}/decision"
        assert authed("POST", decision, moderator, approve)[0] == 200
        again = decided(base, moderator, "budget", "ada@example.com", "And the schools?")
        assert again["state"] == "published", again["verdict"]

        # An article that holds everything holds even Ada.
        inquest = {"title": "Inquest", "comments": {"premoderation": "all"}}
        assert authed("PUT", f"{base}/v1/articles/inquest", moderator, inquest)[0] == 201
        held = decided(base, moderator, "inquest", "ada@example.com", "My condolences.")
        assert held["state"] == "held"

        # Every score holds now; Bob, trusted by one of his comments, is published anyway.
        bob = decided(base, moderator, "budget", "bob@example.com", "Taxes are too high.")
        trust = f"{base}/v1/moderation/comments/{bob['id']}/trust"
        assert authed("POST", trust, moderator, {"reason": "a regular"})[0] == 200
        rules = authed("GET", f"{base}/v1/moderation/rules", admin)[1]
        stricter = {**rules["rules"], "hold_score": 0.0, "cold_hold_score": 0.0}
        put = {"version": rules["version"], "rules": stricter}
        assert authed("PUT", f"{base}/v1/moderation/rules", admin, put)[0] == 200
        time.sleep(RULES_TTL + 0.5)  # the workers look at the rules again every RULES_TTL
        score_held = decided(base, moderator, "budget", "ada@example.com", "Roads, too.")
        assert score_held["state"] == "held" and "premoderation" not in reasons(score_held)
        trusted = decided(base, moderator, "budget", "bob@example.com", "Lower them.")
        assert trusted["state"] == "published", trusted["verdict"]
        assert reasons(trusted)["trusted"].startswith("trusted commenter")

        # A ban still refuses him.
        ban = {"scope": "author", "comment_id": bob["id"], "reason": "threats"}
        assert authed("POST", f"{base}/v1/moderation/bans", moderator, ban)[0] == 201
        banned = decided(base, moderator, "budget", "bob@example.com", "One more thing.")
        assert banned["state"] == "rejected"
