-- Disable an enabled subscription and announce it, once for a run of failures.
-- KEYS: the subscription, the event stream.
-- ARGV[1]: JSON {now, reason, event (JSON text), events_maxlen, webhook_id}.
-- Returns 1, or 0 when it is gone or already disabled (nothing written).
local subscription, events = KEYS[1], KEYS[2]
local a = cjson.decode(ARGV[1])
if redis.call('HGET', subscription, 'enabled') ~= '1' then
  return 0
end
redis.call('HSET', subscription, 'enabled', '0', 'disabled_at', a.now,
           'disabled_reason', a.reason)
redis.call('XADD', events, 'MAXLEN', '~', a.events_maxlen, '*',
           'type', 'webhook.disabled', 'webhook_id', a.webhook_id, 'data', a.event)
return 1
