-- A new API token: its name and its record are written together or not at all.
-- KEYS: the names (a hash: name -> token hash), the new token's record.
-- ARGV[1]: JSON {name, hash, role, created_at}.
-- Returns 1, or 0 when the name is taken (nothing written).
local names, record = KEYS[1], KEYS[2]
local a = cjson.decode(ARGV[1])
if redis.call('HSETNX', names, a.name, a.hash) == 0 then
  return 0
end
redis.call('HSET', record, 'name', a.name, 'role', a.role, 'created_at', a.created_at)
return 1
