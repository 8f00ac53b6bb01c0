"""The ledger the settings ask for: embedded unless a Redis URL is configured."""

from __future__ import annotations

from linkpilot.common.clock import Clock, utc_now
from linkpilot.common.settings import Settings
from linkpilot.engine.quota.contract import QuotaLedger
from linkpilot.engine.quota.fallback import FallbackLedger
from linkpilot.engine.quota.redis_ledger import DEFAULT_PREFIX, RedisLedger
from linkpilot.engine.quota.sqlite_ledger import SqliteLedger
from linkpilot.engine.quota.windows import QuotaPolicy
from linkpilot.engine.shared_redis import redis_client
from linkpilot.storage.database import Database


def create_ledger(
    settings: Settings, db: Database, clock: Clock = utc_now, prefix: str = DEFAULT_PREFIX
) -> QuotaLedger:
    policy = QuotaPolicy.from_settings(settings)
    embedded = SqliteLedger(db, policy, clock)
    if not settings.redis_url:
        return embedded
    shared = RedisLedger(redis_client(settings.redis_url), db, policy, clock, prefix)
    return FallbackLedger(shared, embedded, clock)
