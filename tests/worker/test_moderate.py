from __future__ import annotations

from aiohttp.test_utils import TestClient
from redis import Redis

from services.core import keys
from services.core.settings import Settings
from services.worker.context import configure
from services.worker.tasks import moderate
from tests.helpers import dump, valid_submission


async def test_a_job_that_runs_twice_decides_once(
    client: TestClient, redis: Redis, settings: Settings
) -> None:
    comment_id = (
        await (await client.post("/v1/articles/a1/comments", json=valid_submission())).json()
    )["id"]
    configure(settings)
    first = moderate(comment_id)
    after_first = dump(redis)
    second = moderate(comment_id)
    assert first == second == redis.hget(keys.comment(comment_id), "state")
    assert dump(redis) == after_first
    assert redis.zscore(keys.PENDING, comment_id) is None


def test_a_job_for_an_unknown_comment_changes_nothing(redis: Redis, settings: Settings) -> None:
    configure(settings)
    assert moderate("01JDQ8ZK3W5N6Y0T9V4B2C7X1M") == "missing"
    assert dump(redis) == {}
