-- Units of one action per window: committed ones and unreleased reservations (see reserve.lua).
-- KEYS[1] events, KEYS[2] pending; ARGV: now, day_start, week_start, month_start (ms).
return {
  redis.call('ZCOUNT', KEYS[1], ARGV[2], '+inf'),
  redis.call('ZCOUNT', KEYS[1], ARGV[3], '+inf'),
  redis.call('ZCOUNT', KEYS[1], ARGV[4], '+inf'),
}
