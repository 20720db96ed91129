-- A comment's transition, compare-and-set: it applies only when the comment is in the state
-- it expects (and, with `first_decision`, no moderator decided it yet); else nothing changes.
-- KEYS (named in `TransitionKeys`, services/store/transitions.py): the comment, the set it
-- leaves, the set it enters, the article's publication counter, the event stream, the
-- author's counts, learned spam, learned ham, learned totals, the audit stream, the
-- known-spam mark, the article's public event stream, the article's version.
-- ARGV[1]: JSON of the named arguments `transition_args` builds.
-- Returns JSON: {applied, found (the state found, '' for no comment), decided_by}.
local comment, left, entered, counter, events, author, learned_spam, learned_ham,
  learned_totals, audit, known_spam, article_events, article_version = unpack(KEYS)
local a = cjson.decode(ARGV[1])

local state, decided_by, revision = unpack(redis.call('HMGET', comment, 'state', 'decided_by',
  'revision'))
-- `revision` (false: any): the text the transition was built from, which its author may
-- have edited meanwhile (services/core/own_comment.py).
if state ~= a.expected or (a.first_decision and decided_by)
    or (a.revision and (revision or '') ~= a.revision) then
  return cjson.encode({applied = false, found = state or '', decided_by = decided_by or ''})
end
local id, new = a.id, a.new_state
redis.call('ZREM', left, id)
redis.call('HSET', comment, 'state', new, 'decided_at', a.now_iso)
if a.verdict ~= '' then
  redis.call('HSET', comment, 'verdict', a.verdict)
end
for name, value in pairs(a.fields) do
  redis.call('HSET', comment, name, value)
end
for _, name in ipairs(a.cleared) do
  redis.call('HDEL', comment, name)
end
if new == 'published' then
  -- Published before (then edited, or removed and restored): it keeps its place.
  local seq = redis.call('HGET', comment, 'published_seq') or redis.call('INCR', counter)
  for name, value in pairs(a.published) do
    redis.call('HSET', comment, name, value)
  end
  redis.call('HSET', comment, 'published_at', a.now_iso, 'published_seq', seq)
  redis.call('ZADD', entered, seq, id)
else
  redis.call('ZADD', entered, a.now_ms, id)
end
if state ~= 'pending' then
  redis.call('HINCRBY', author, state, -1)
end
if new ~= 'pending' then  -- an edit queues it again; pending is not counted
  redis.call('HINCRBY', author, new, 1)
end
local label, trained = a.learn_as, redis.call('HGET', comment, 'trained_as') or ''
if label == 'forget' then  -- edited: the text it was learned from is gone
  if trained ~= '' then
    for _, token in ipairs(a.tokens) do
      redis.call('HINCRBY', ({spam = learned_spam, ham = learned_ham})[trained], token, -1)
    end
    redis.call('HINCRBY', learned_totals, trained, -1)
    redis.call('HDEL', comment, 'trained_as')
  end
elseif label ~= '' and label ~= trained then
  local learned = {spam = learned_spam, ham = learned_ham}
  if trained ~= '' then
    for _, token in ipairs(a.tokens) do
      redis.call('HINCRBY', learned[trained], token, -1)
    end
    redis.call('HINCRBY', learned_totals, trained, -1)
  end
  for _, token in ipairs(a.tokens) do
    redis.call('HINCRBY', learned[label], token, 1)
  end
  redis.call('HINCRBY', learned_totals, label, 1)
  redis.call('HSET', comment, 'trained_as', label)
end
if a.known_spam_ttl_s > 0 then
  redis.call('SET', known_spam, id, 'EX', a.known_spam_ttl_s)
end
if a.event_type ~= '' then
  redis.call('XADD', events, 'MAXLEN', '~', a.events_maxlen, '*', 'type', a.event_type,
    'article_id', redis.call('HGET', comment, 'article_id'), 'comment_id', id, 'data', a.event)
end
if a.audit ~= '' then
  redis.call('XADD', audit, 'MAXLEN', '~', a.audit_maxlen, '*', 'data', a.audit)
end
if new == 'published' or state == 'published' then
  redis.call('INCR', article_version)
end
if a.public_event ~= '' then
  redis.call('XADD', article_events, 'MAXLEN', '~', a.article_events_maxlen, '*',
    'type', a.event_type, 'data', a.public_event)
  if a.article_events_ttl_s > 0 then
    redis.call('EXPIRE', article_events, a.article_events_ttl_s)
  end
end
return cjson.encode({applied = true, found = state, decided_by = ''})
