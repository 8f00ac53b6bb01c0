"""The Redis client the ledger and the breaker share when `redis_url` is set."""

from __future__ import annotations

from redis.asyncio import Redis

# A dead Redis must cost an operation a moment, not a hang: callers then fall back to storage.
REDIS_TIMEOUT_S = 2.0


def redis_client(url: str) -> Redis:
    return Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S)
