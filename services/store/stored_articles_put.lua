-- Store an article's record, with an audit entry when its comment settings change.
-- KEYS: the article's record, the audit stream.
-- ARGV[1]: JSON {fields (name -> text, as `Article.stored_fields` makes them), created_at
-- (set only if the record is new), audit (the entry, without `action`, `from` and `to`:
-- JSON text; the action is article.close, article.reopen or article.settings),
-- audit_maxlen}.
-- Returns JSON {created, changed, from (the comment settings before), to (after)}.
local record, audit = KEYS[1], KEYS[2]
local a = cjson.decode(ARGV[1])
local settings = {'status', 'close_after_days', 'premoderation'}
local defaults = {status = 'open', close_after_days = '', premoderation = ''}
local created = redis.call('EXISTS', record) == 0
local before, after, changed = {}, {}, false
local old = redis.call('HMGET', record, unpack(settings))
for i, name in ipairs(settings) do
  before[name] = old[i] or defaults[name]
  after[name] = a.fields[name]
  if before[name] ~= after[name] then changed = true end
end
for name, value in pairs(a.fields) do
  redis.call('HSET', record, name, value)
end
redis.call('HSETNX', record, 'created_at', a.created_at)
if changed then
  local entry = cjson.decode(a.audit)
  entry['from'], entry['to'] = before, after
  if before.status == after.status then
    entry['action'] = 'article.settings'
  elseif after.status == 'closed' then
    entry['action'] = 'article.close'
  else
    entry['action'] = 'article.reopen'
  end
  redis.call('XADD', audit, 'MAXLEN', '~', a.audit_maxlen, '*', 'data', cjson.encode(entry))
end
return cjson.encode({created = created, changed = changed, from = before, to = after})
