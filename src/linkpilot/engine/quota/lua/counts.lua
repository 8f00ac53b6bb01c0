-- Live units of one action per window, after dropping expired reservations (see reserve.lua).
-- KEYS[1] events, KEYS[2] pending; ARGV: now, day_start, week_start, month_start (ms).
local now = tonumber(ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, token in ipairs(expired) do
  redis.call('ZREM', KEYS[1], token)
end
if #expired > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
end
return {
  redis.call('ZCOUNT', KEYS[1], ARGV[2], '+inf'),
  redis.call('ZCOUNT', KEYS[1], ARGV[3], '+inf'),
  redis.call('ZCOUNT', KEYS[1], ARGV[4], '+inf'),
}
