-- Unteach the filter one erased comment: a token no comment counts any more leaves the hash.
-- KEYS: the learned counts it was taught into (spam or ham), the learned totals.
-- ARGV[1]: JSON {label ('spam' or 'ham'), tokens}.
local learned, totals = KEYS[1], KEYS[2]
local a = cjson.decode(ARGV[1])
for _, token in ipairs(a.tokens) do
  if redis.call('HINCRBY', learned, token, -1) <= 0 then
    redis.call('HDEL', learned, token)
  end
end
redis.call('HINCRBY', totals, a.label, -1)
