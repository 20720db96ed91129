from tests.helpers import Client


async def test_health_and_readiness(client: Client) -> None:
    assert (await client.get("/healthz")).status == 200
    response = await client.get("/readyz")
    assert response.status == 200
    assert await response.json() == {"status": "ready"}
