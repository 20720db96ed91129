#!lua
-- Group commit: the submissions of concurrent requests, applied in one script call.
-- KEYS[1]: the open batch (keys.OPEN_BATCH). ARGV[1]: JSON {comment_prefix (of keys.comment),
-- batch_max (queues.MODERATION_BATCH), open_batch_ttl_s (queues.OPEN_BATCH_TTL_S)}.
-- Then, streamed (the commands carry RQ's binary job data, and a batch is the API's hot path:
-- no JSON), built only by `BatchWriter._send` from typed guards (Unique, Limit, Filled):
-- per submission: g, then g guards ('unique', key, ttl_s, value | 'limit', key, count,
-- window_ms, now_ms, member | 'filled', key); n, then n commands, each as k, command, k-1
-- arguments. A submission is applied whole or, when a guard refuses, not at all.
-- The command JOIN id list job queues comment `id`: into the open batch (if it has room),
-- else into `list`, which becomes the open batch, its job `job` to be written after.
local open_batch = KEYS[1]
local config = cjson.decode(ARGV[1])
local function join(id, list, job)
  local open = redis.call('HMGET', open_batch, 'list', 'job')
  if open[1] and redis.call('LLEN', open[1]) < config.batch_max then
    list, job = open[1], open[2]
  else
    redis.call('HSET', open_batch, 'list', list, 'job', job)
    redis.call('EXPIRE', open_batch, config.open_batch_ttl_s)
  end
  redis.call('RPUSH', list, id)
  redis.call('HSET', config.comment_prefix .. id, 'job_id', job)
end
local results = {}
local i = 2
while i <= #ARGV do
  local guards, refused = tonumber(ARGV[i]), nil
  local first_guard = i + 1
  i = first_guard
  for g = 1, guards do
    if ARGV[i] == 'filled' then
      if not refused and redis.call('EXISTS', ARGV[i + 1]) == 0 then refused = {g, 0} end
      i = i + 2
    elseif ARGV[i] == 'unique' then
      if not refused then
        local stored = redis.call('GET', ARGV[i + 1])
        if stored then refused = {g, 0, stored} end
      end
      i = i + 4
    else
      local key, count = ARGV[i + 1], tonumber(ARGV[i + 2])
      local window, now = tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4])
      if not refused then
        redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
        if redis.call('ZCARD', key) >= count then
          local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
          refused = {g, tonumber(oldest) + window - now}
        end
      end
      i = i + 6
    end
  end
  local commands = tonumber(ARGV[i])
  i = i + 1
  if refused then
    for c = 1, commands do i = i + tonumber(ARGV[i]) + 1 end
    results[#results + 1] = refused
  else
    local j = first_guard
    for g = 1, guards do
      if ARGV[j] == 'filled' then
        j = j + 2
      elseif ARGV[j] == 'unique' then
        redis.call('SET', ARGV[j + 1], ARGV[j + 3], 'EX', ARGV[j + 2])
        j = j + 4
      else
        redis.call('ZADD', ARGV[j + 1], ARGV[j + 4], ARGV[j + 5])
        redis.call('PEXPIRE', ARGV[j + 1], ARGV[j + 3])
        j = j + 6
      end
    end
    for c = 1, commands do
      local k = tonumber(ARGV[i])
      if ARGV[i + 1] == 'JOIN' then
        join(ARGV[i + 2], ARGV[i + 3], ARGV[i + 4])
      else
        redis.call(unpack(ARGV, i + 1, i + k))
      end
      i = i + k + 1
    end
    results[#results + 1] = 0
  end
end
return results
