"""Every route of the API, in one table."""

from aiohttp import web

from services.api import articles, comments, health, openapi


def setup_routes(app: web.Application) -> None:
    app.router.add_post("/v1/articles/{article_id}/comments", comments.submit)
    app.router.add_get("/v1/articles/{article_id}/comments", articles.list_published)
    app.router.add_get("/v1/articles/{article_id}/comments/count", articles.count_published)
    app.router.add_get("/v1/comments/{comment_id}", comments.read)
    app.router.add_get("/healthz", health.healthz)
    app.router.add_get("/readyz", health.readyz)
    app.router.add_get("/openapi.json", openapi.serve)
