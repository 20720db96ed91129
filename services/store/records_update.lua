-- Set fields of a record that must exist: a write after its record was deleted changes nothing.
-- KEYS[1]: the record (a hash). ARGV[1]: JSON object of the fields to set (strings).
-- Returns 1 when written, 0 when there is no such record.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
for name, value in pairs(cjson.decode(ARGV[1])) do
  redis.call('HSET', KEYS[1], name, value)
end
return 1
