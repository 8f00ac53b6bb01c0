"""The ledger the settings ask for: embedded unless a Redis URL is configured."""

from __future__ import annotations

from linkpilot.common.clock import Clock, utc_now
from linkpilot.common.settings import Settings
from linkpilot.engine.quota.contract import QuotaLedger
from linkpilot.engine.quota.sqlite_ledger import SqliteLedger
from linkpilot.engine.quota.windows import QuotaPolicy
from linkpilot.storage.database import Database


def create_ledger(
    settings: Settings, db: Database, clock: Clock = utc_now, prefix: str | None = None
) -> QuotaLedger:
    policy = QuotaPolicy.from_settings(settings)
    embedded = SqliteLedger(db, policy, clock)
    if not settings.redis_url:
        return embedded
    # The Redis client is imported only when one is configured (a tenth of a second of start-up).
    from linkpilot.engine.quota.fallback import FallbackLedger
    from linkpilot.engine.quota.redis_ledger import DEFAULT_PREFIX, RedisLedger
    from linkpilot.engine.shared_redis import redis_client

    shared = RedisLedger(redis_client(settings.redis_url), db, policy, clock, prefix or DEFAULT_PREFIX)
    return FallbackLedger(shared, embedded, clock)
