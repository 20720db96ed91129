-- Replace the rules in force, compare-and-set on their version, with an audit entry.
-- KEYS: the rules, the audit stream.
-- ARGV[1]: JSON {version (the one replaced), rules (JSON text), audit (JSON text), audit_maxlen}.
-- Returns -1 when stored, else the version in force (the caller's was stale; nothing written).
local rules, audit = KEYS[1], KEYS[2]
local a = cjson.decode(ARGV[1])
local current = redis.call('GET', rules)
local version = 0
if current then version = cjson.decode(current)['version'] end
if version ~= a.version then return version end
redis.call('SET', rules, a.rules)
redis.call('XADD', audit, 'MAXLEN', '~', a.audit_maxlen, '*', 'data', a.audit)
return -1
