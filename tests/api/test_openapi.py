from __future__ import annotations

from openapi_spec_validator import validate

from services.core.schemas import schemas
from tests.helpers import Client


async def test_the_openapi_document_is_valid_and_uses_the_validation_schemas(
    client: Client,
) -> None:
    response = await client.get("/openapi.json")
    assert response.status == 200
    document = await response.json()
    validate(document)
    submission = document["components"]["schemas"]["CommentSubmission"]
    assert (
        submission["properties"]["content"]
        == schemas()["comment-submission.schema.json"]["properties"]["content"]
    )
    assert submission["properties"]["parent_id"]["$ref"] == "#/components/schemas/CommentId"


async def test_every_route_is_documented(client: Client) -> None:
    document = await (await client.get("/openapi.json")).json()
    documented = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    served = set()
    for route in client.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if "prefix" in info:
            continue  # the moderation page's static files
        if route.method != "HEAD":
            served.add((route.method, path))
    assert served == documented
