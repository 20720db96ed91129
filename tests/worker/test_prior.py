"""The prior is loaded at a worker's first start on a Redis that has learned nothing, by a
real `comments worker` process, and never over what a site has learned."""

from __future__ import annotations

import os
import subprocess
import sys

from redis import Redis

from services.store import keys
from services.store.priors import read_prior
from tests.conftest import TEST_SECRET


def start_worker(redis_url: str, prior: str = "") -> None:
    env = {**os.environ, "REDIS_URL": redis_url, "COMMENTS_SECRET": TEST_SECRET.decode()}
    env["COMMENTS_PRIOR"] = prior
    subprocess.run(
        [sys.executable, "-m", "services", "worker", "--burst"], env=env, check=True, timeout=120
    )


def test_a_fresh_redis_gets_the_prior_and_a_restart_keeps_what_the_site_learned(
    redis: Redis, redis_url: str
) -> None:
    prior = read_prior("")
    assert prior is not None
    start_worker(redis_url)
    spam_total, ham_total = str(prior.spam), str(prior.ham)
    assert redis.hgetall(keys.LEARNED_TOTALS) == {
        "spam": spam_total, "ham": ham_total, "prior_spam": spam_total, "prior_ham": ham_total,
    }  # fmt: skip
    token, (spam, ham) = next((t, c) for t, c in prior.tokens.items() if all(c))
    assert redis.hmget(keys.LEARNED_SPAM, token) == [str(spam)]
    assert redis.get(keys.LEARNED_PRIOR) == prior.version()
    # The site learns (a moderator's decision), then the worker restarts.
    redis.hincrby(keys.LEARNED_TOTALS, "spam", 5)
    redis.hincrby(keys.LEARNED_SPAM, token, 5)
    start_worker(redis_url)
    assert redis.hget(keys.LEARNED_TOTALS, "spam") == str(prior.spam + 5)
    assert redis.hget(keys.LEARNED_SPAM, token) == str(spam + 5)


def test_a_site_that_learned_before_priors_existed_keeps_its_state(
    redis: Redis, redis_url: str
) -> None:
    redis.hset(keys.LEARNED_TOTALS, mapping={"spam": 3, "ham": 4})
    start_worker(redis_url)
    assert redis.hgetall(keys.LEARNED_TOTALS) == {"spam": "3", "ham": "4"}
    assert not redis.exists(keys.LEARNED_SPAM)


def test_prior_off_starts_from_nothing(redis: Redis, redis_url: str) -> None:
    start_worker(redis_url, prior="off")
    assert redis.get(keys.LEARNED_PRIOR) == "none"
    assert not redis.exists(keys.LEARNED_TOTALS)
