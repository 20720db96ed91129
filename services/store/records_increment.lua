-- Add to a field of a record that must exist.
-- KEYS[1]: the record (a hash). ARGV[1]: JSON {field, by}.
-- Returns the field's new value, or nil when there is no such record.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local a = cjson.decode(ARGV[1])
return redis.call('HINCRBY', KEYS[1], a.field, a.by)
