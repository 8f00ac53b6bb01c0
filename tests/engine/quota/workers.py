"""Worker processes for the race tests: each one takes units until it is refused."""

from __future__ import annotations

import asyncio
from datetime import datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event

from linkpilot.common.clock import FrozenClock
from linkpilot.common.settings import load_settings
from linkpilot.engine.quota.contract import Action, QuotaLedger, QuotaRefused
from linkpilot.engine.quota.redis_ledger import RedisLedger
from linkpilot.engine.quota.sqlite_ledger import SqliteLedger
from linkpilot.engine.quota.windows import QuotaPolicy
from linkpilot.engine.shared_redis import redis_client
from linkpilot.storage.database import Database

AT = "2026-03-10T10:00:00+01:00"


def policy(limit: int) -> QuotaPolicy:
    limits = {"messages": {"per_run": 10_000, "per_day": limit, "per_week": 7 * limit}}
    return QuotaPolicy.from_settings(load_settings({}, limits=limits))


def hammer(
    db_url: str, redis_url: str | None, prefix: str, limit: int, start: Event, out: Queue[tuple[int, str]]
) -> None:
    granted, refusal = asyncio.run(_hammer(db_url, redis_url, prefix, limit, start))
    out.put((granted, refusal))


async def _hammer(
    db_url: str, redis_url: str | None, prefix: str, limit: int, start: Event
) -> tuple[int, str]:
    db = Database(db_url)
    clock = FrozenClock(datetime.fromisoformat(AT))
    ledger: QuotaLedger
    if redis_url is None:
        ledger = SqliteLedger(db, policy(limit), clock)
    else:
        ledger = RedisLedger(redis_client(redis_url), db, policy(limit), clock, prefix)
    await ledger.snapshot()  # connect before the start line, so the race is on reserve
    start.wait()
    granted = 0
    try:
        while True:
            result = await ledger.reserve(Action.MESSAGE)
            if isinstance(result, QuotaRefused):
                return granted, result.reason
            granted += 1
            # Every other unit stays a bare reservation: it must count as much as a commit.
            if granted % 2:
                await ledger.commit(result)
    finally:
        await ledger.close()
        await db.dispose()
