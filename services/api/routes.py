"""Every route of the API, in one table."""

from aiohttp import web

from services.api import (
    article_records,
    articles,
    bans,
    comments,
    counts,
    health,
    live,
    openapi,
    own_comments,
    pages,
    trusted,
)
from services.api import http_metrics as metrics
from services.api import moderation_handlers as moderation
from services.api import report_handlers as reports
from services.api import rules_handlers as rules
from services.api import webhook_handlers as webhooks


def setup_routes(app: web.Application) -> None:
    router = app.router
    router.add_post("/v1/articles/{article_id}/comments", comments.submit)
    router.add_get("/v1/articles/{article_id}/comments", articles.list_published)
    router.add_get("/v1/articles/{article_id}/comments/count", articles.count_published)
    router.add_get("/v1/articles/{article_id}/comments/stream", live.stream)
    router.add_get("/v1/comments/{comment_id}", comments.read)

    # The reader's own comment, and reading at a newsroom's scale (issue 15, h15-reader).
    router.add_patch("/v1/comments/{comment_id}", own_comments.edit)
    router.add_delete("/v1/comments/{comment_id}", own_comments.delete)
    router.add_get("/v1/counts", counts.counts)

    router.add_get("/v1/moderation/queue", moderation.queue)
    router.add_get("/v1/moderation/comments/{comment_id}", moderation.one)
    router.add_post("/v1/moderation/comments/{comment_id}/decision", moderation.decide_one)
    router.add_post("/v1/moderation/decisions", moderation.decide_many)
    router.add_get("/v1/moderation/audit", moderation.audit)
    router.add_get("/v1/moderation/stream", moderation.stream)
    router.add_get("/v1/moderation/rules", rules.read)
    router.add_put("/v1/moderation/rules", rules.replace)
    router.add_get("/v1/moderation/bans", bans.list_all)
    router.add_post("/v1/moderation/bans", bans.create)
    router.add_delete("/v1/moderation/bans/{scope}/{hash}", bans.delete)

    # Articles as records, trusted commenters (issue 15, h15-articles).
    router.add_get("/v1/articles/{article_id}", article_records.read)
    router.add_put("/v1/articles/{article_id}", article_records.put)
    router.add_get("/v1/moderation/trusted", trusted.list_all)
    router.add_put("/v1/moderation/trusted/{author_hash}", trusted.put)
    router.add_delete("/v1/moderation/trusted/{author_hash}", trusted.delete)
    router.add_post("/v1/moderation/comments/{comment_id}/trust", trusted.trust_comment_author)

    router.add_get("/v1/webhooks", webhooks.list_all)
    router.add_post("/v1/webhooks", webhooks.create)
    router.add_get("/v1/webhooks/{webhook_id}", webhooks.one)
    router.add_delete("/v1/webhooks/{webhook_id}", webhooks.delete)
    router.add_post("/v1/webhooks/{webhook_id}/test", webhooks.test)
    router.add_post("/v1/webhooks/{webhook_id}/enable", webhooks.enable)

    # Reader reports (issue 15): services/api/report_handlers.py.
    router.add_post("/v1/comments/{comment_id}/reports", reports.report)

    router.add_get("/moderation", pages.moderation)
    router.add_get("/embed.js", pages.embed_js)
    router.add_get("/embed.css", pages.embed_css)
    router.add_static("/static/", pages.STATIC)
    router.add_get("/healthz", health.healthz)
    router.add_get("/readyz", health.readyz)
    router.add_get("/openapi.json", openapi.serve)
    router.add_get("/metrics", metrics.serve)
