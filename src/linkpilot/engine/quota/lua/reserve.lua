-- Check-and-increment for one quota unit, atomically (Redis runs a script to completion alone).
--
-- KEYS[1] events   ZSET token -> reserved-at (ms): committed units and unreleased reservations
-- KEYS[2] pending  ZSET token -> expires-at (ms): reservations not yet committed
-- KEYS[3] run      ZSET token -> reserved-at (ms): the units of one run (ignored unless has_run)
-- KEYS[4] first    STRING: ms of the first unit ever granted (the warm-up's day zero)
-- KEYS[5] synced   STRING: set by reconcile; missing means this Redis lost its data (restart
--                  without persistence, flush) and must be reconciled before it grants again
--
-- ARGV: now, expires_at, token, day_start, week_start, month_start, horizon (all ms),
--       day_limit, day_full, week_limit, month_limit, run_limit (-1: no such limit), has_run (0|1)
--       run_ttl (ms)
--
-- Returns {1} on a grant, {-1} when not reconciled yet, else
-- {0, reason, used, limit, score-of-the-unit-whose-leaving-frees-one}.
-- The order of the checks mirrors windows.first_refusal.
if redis.call('EXISTS', KEYS[5]) == 0 then
  return {-1}
end
local now = tonumber(ARGV[1])

-- A reservation whose process died keeps counting: it may have reached the site.
-- Nothing older than the widest window can count any more.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[7])

local run = 0
if ARGV[13] == '1' then
  -- A run's units count over RUN_SPAN (run_ttl), as in storage; older ones leave the run set.
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (now - tonumber(ARGV[14])))
  for _, token in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
    if redis.call('ZSCORE', KEYS[1], token) then
      run = run + 1
    else
      redis.call('ZREM', KEYS[3], token)
    end
  end
end

local day = redis.call('ZCOUNT', KEYS[1], ARGV[4], '+inf')
local week = redis.call('ZCOUNT', KEYS[1], ARGV[5], '+inf')
local month = redis.call('ZCOUNT', KEYS[1], ARGV[6], '+inf')

local function limit(i)
  local value = tonumber(ARGV[i])
  if value < 0 then return nil end
  return value
end

local run_limit, month_limit, week_limit = limit(12), limit(11), limit(10)
local day_full, day_limit = limit(9), limit(8)

if ARGV[13] == '1' and run_limit and run >= run_limit then
  return {0, 'run_cap', run, run_limit, -1}
end
if month_limit and month >= month_limit then
  return {0, 'monthly_limit', month, month_limit, -1}
end
if week_limit and week >= week_limit then
  local nth = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[5], '+inf', 'WITHSCORES', 'LIMIT', week - week_limit, 1)
  return {0, 'weekly_limit', week, week_limit, tonumber(nth[2] or -1)}
end
if day_full and day >= day_full then
  return {0, 'daily_limit', day, day_full, -1}
end
if day_limit and day >= day_limit then
  return {0, 'warming_up', day, day_limit, -1}
end

redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('ZADD', KEYS[2], tonumber(ARGV[2]), ARGV[3])
if ARGV[13] == '1' then
  redis.call('ZADD', KEYS[3], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[14]))
end
redis.call('SET', KEYS[4], now, 'NX')
return {1}
