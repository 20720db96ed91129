"""Loading the filter's prior into Redis: once, by whichever worker starts first on a server
whose filter has learned nothing, in one script so no job sees half a prior."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from redis import Redis

from services.core.prior import DEFAULT_PRIOR, Prior, loads
from services.store import keys

# KEYS: prior marker, learned spam, learned ham, learned totals
# ARGV: version, spam total, ham total, then token, spam count, ham count for each token.
# The totals are kept apart as `prior_*` too: what the site taught is the rest.
# Returns 1 when loaded, 0 when the server had a prior or had learned already.
SEED = """
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[4]) == 1 then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[1] == 'none' then
  return 1
end
for i = 4, #ARGV, 3 do
  if ARGV[i + 1] ~= '0' then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
  if ARGV[i + 2] ~= '0' then redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 2]) end
end
redis.call('HSET', KEYS[4], 'spam', ARGV[2], 'ham', ARGV[3])
redis.call('HSET', KEYS[4], 'prior_spam', ARGV[2], 'prior_ham', ARGV[3])
return 1
"""


@lru_cache(maxsize=4)
def read_prior(setting: str) -> Prior | None:
    """The prior `COMMENTS_PRIOR` names: the shipped one by default, none for `off`."""
    if setting.lower() == "off":
        return None
    return loads(Path(setting or DEFAULT_PRIOR).read_bytes())


def seed(redis: Redis, prior: Prior | None) -> bool:
    """Give a server that has learned nothing the prior's counts; True if this call did."""
    args: list[str | int] = ["none", 0, 0]
    if prior is not None:
        args = [prior.version(), prior.spam, prior.ham]
        for token, (spam, ham) in prior.tokens.items():
            args += [token, spam, ham]
    learned = [keys.LEARNED_PRIOR, keys.LEARNED_SPAM, keys.LEARNED_HAM, keys.LEARNED_TOTALS]
    return bool(redis.eval(SEED, len(learned), *learned, *args))
