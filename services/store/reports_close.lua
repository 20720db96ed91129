-- Close a comment's open reports after a moderator's decision: its reporters may not report
-- it again and, when the reports were dismissed, their future reports weigh less.
-- KEYS (named in `CloseKeys`, services/store/reports.py): the comment, its open reports, its
-- open reporters, its closed reporters, its notes, the reported index, the audit stream.
-- ARGV[1]: JSON of the named arguments `close_args` builds; `weight_prefix` is
-- keys.reporter_weight('') (the reporters are known only here).
-- Returns JSON: {count (reports closed), reasons {reason: count}}.
local comment, open, reporters, closed, notes, reported, audit = unpack(KEYS)
local a = cjson.decode(ARGV[1])

local count = tonumber(redis.call('HGET', open, 'count') or '0')
local reasons = {}
local summary = redis.call('HGETALL', open)
for i = 1, #summary, 2 do
  local reason = string.match(summary[i], '^reason:(.+)$')
  if reason then reasons[reason] = tonumber(summary[i + 1]) end
end
local open_reporters = redis.call('HGETALL', reporters)
for i = 1, #open_reporters, 2 do
  local client, weight = open_reporters[i], tonumber(open_reporters[i + 1])
  redis.call('SADD', closed, client)
  if a.dismissed then
    local lowered = math.max(a.min_weight, weight * a.weight_factor)
    redis.call('SET', a.weight_prefix .. client, lowered, 'EX', a.weight_ttl_s)
  end
end
if #open_reporters > 0 then
  redis.call('EXPIRE', closed, a.closed_ttl_s)
end
redis.call('DEL', open, reporters, notes)
redis.call('ZREM', reported, a.id)
redis.call('HDEL', comment, 'reports_open')
if a.dismissed then
  redis.call('HSET', comment, 'reports_dismissed_at', a.now_iso)
end
if a.audit ~= '' then
  local entry = cjson.decode(a.audit)
  entry.reports = count
  entry.reasons = reasons
  redis.call('XADD', audit, 'MAXLEN', '~', a.audit_maxlen, '*', 'data', cjson.encode(entry))
end
return cjson.encode({count = count, reasons = reasons})
