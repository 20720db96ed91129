-- Log a delivery attempt on a subscription that must exist.
-- KEYS: the subscription, its delivery log.
-- ARGV[1]: JSON {attempt (JSON text), keep (attempts kept), ok}.
-- Returns the failures in a row now, or -1 when the subscription is gone (nothing written).
local subscription, log = KEYS[1], KEYS[2]
local a = cjson.decode(ARGV[1])
if redis.call('EXISTS', subscription) == 0 then
  return -1
end
redis.call('LPUSH', log, a.attempt)
redis.call('LTRIM', log, 0, a.keep - 1)
if a.ok then
  redis.call('HSET', subscription, 'failures', 0)
  return 0
end
return redis.call('HINCRBY', subscription, 'failures', 1)
