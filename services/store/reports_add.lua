-- A reader's report on a published comment: at most one per client per comment.
-- KEYS (named in `AddKeys`, services/store/reports.py): the comment, its open reports, its
-- open reporters, its closed reporters, its notes, the reported index, this client's weight,
-- the event stream.
-- ARGV[1]: JSON of the named arguments `add_args` builds.
-- Returns JSON: {status: reported | missing | not-published | repeat, state, count, weight,
-- withdrawable (no moderator decided the comment nor dismissed its reports)}.
local comment, open, reporters, closed, notes, reported, weight_key, events = unpack(KEYS)
local a = cjson.decode(ARGV[1])

local state, article_id, decided_by, dismissed = unpack(redis.call(
  'HMGET', comment, 'state', 'article_id', 'decided_by', 'reports_dismissed_at'))
if not state then
  return cjson.encode({status = 'missing'})
end
-- A repeat first: a reader whose report withdrew the comment hears that it was theirs.
if redis.call('HEXISTS', reporters, a.client) == 1
    or redis.call('SISMEMBER', closed, a.client) == 1 then
  return cjson.encode({status = 'repeat', state = state})
end
if state ~= 'published' then
  return cjson.encode({status = 'not-published', state = state})
end
local weight = tonumber(redis.call('GET', weight_key) or '1')
redis.call('HSET', reporters, a.client, weight)
local count = redis.call('HINCRBY', open, 'count', 1)
local total = tonumber(redis.call('HINCRBYFLOAT', open, 'weight', weight))
redis.call('HINCRBY', open, 'reason:' .. a.reason, 1)
redis.call('HSETNX', open, 'first_at', a.now_iso)
redis.call('HSET', open, 'last_at', a.now_iso)
-- On the record too, so a decision knows the comment has open reports without a look-up.
redis.call('HSET', comment, 'reports_open', count)
if a.note ~= '' then
  redis.call('LPUSH', notes, cjson.encode({reason = a.reason, note = a.note, at = a.now_iso}))
  redis.call('LTRIM', notes, 0, a.notes_max - 1)
end
redis.call('ZADD', reported, count, a.id)
local event = {type = 'comment.reported', occurred_at = a.now_iso, article_id = article_id,
  comment_id = a.id, reason = a.reason, reports = count}
redis.call('XADD', events, 'MAXLEN', '~', a.events_maxlen, '*', 'type', 'comment.reported',
  'article_id', article_id, 'comment_id', a.id, 'data', cjson.encode(event))
return cjson.encode({status = 'reported', state = state, count = count, weight = total,
  withdrawable = (not decided_by or decided_by == '') and not dismissed})
