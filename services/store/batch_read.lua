-- Read a moderation job's comments in one round trip. A batch still open is closed as it is
-- read: comments accepted from now on go to another job.
-- KEYS: the open batch (a hash: list, job), then the batch's list (or nothing).
-- ARGV[1]: JSON {comment_prefix (of keys.comment), ids (when no list)}.
-- Returns JSON: {ids, records}, each record an object of its fields ({} when it is gone).
local open_batch, listing = KEYS[1], KEYS[2]
local a = cjson.decode(ARGV[1])
local ids = a.ids
if listing then
  if redis.call('HGET', open_batch, 'list') == listing then
    redis.call('DEL', open_batch)
  end
  ids = redis.call('LRANGE', listing, 0, -1)
end
local records = {}
for i, id in ipairs(ids) do
  local flat = redis.call('HGETALL', a.comment_prefix .. id)
  local record = {}
  for f = 1, #flat, 2 do
    record[flat[f]] = flat[f + 1]
  end
  records[i] = record
end
return cjson.encode({ids = ids, records = records})
