"""A fresh service on the shipped prior (learned from YouTube comments) publishes a news
site's ordinary prose: the prior knows its function words, not what it is about."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.client import final_status, post
from tests.e2e.conftest import running_service


def test_a_new_author_s_ordinary_news_comment_is_published_on_the_shipped_prior(
    tmp_path: Path,
) -> None:
    with running_service(tmp_path, COMMENTS_PRIOR="") as (base, _, _):
        comments = [
            "I have lived on this street for twenty years and the new parking rules make "
            "no sense to me.",
            "Thank you for covering the hospital closure, the nurses deserve to be heard on this.",
        ]
        for i, text in enumerate(comments):
            body = final_status(base, post(base, text, f"reader{i}@example.org"))
            assert body["status"] == "published", body
        spam = post(base, "Check out my channel and subscribe, please like and share!", "s@x.org")
        assert final_status(base, spam)["status"] == "spam"
