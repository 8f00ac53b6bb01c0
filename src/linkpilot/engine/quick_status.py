"""The quota snapshot and the breaker's state read straight from the SQLite file, for the
status commands (storage/quick_read.py says why).

Each answers None when only the full ledger or breaker can say: Redis configured (its
counts and its breaker are the shared ones), another database URL, or a database still to
create or migrate. The rules (windows, limits, warm-up) are the ledger's own.
"""

from __future__ import annotations

from datetime import UTC

from linkpilot.common.clock import Clock, utc_now
from linkpilot.common.settings import Settings
from linkpilot.engine.breaker_state import DEFAULT_NAME, BreakerSnapshot, from_row
from linkpilot.engine.quota.contract import EMBEDDED, LIVE_STATES, QuotaSnapshot
from linkpilot.engine.quota.windows import Counts, QuotaPolicy, snapshot_of, windows_at
from linkpilot.storage.quick_read import QuickReader, QuickReadFailed


def _reader(settings: Settings) -> QuickReader | None:
    if settings.redis_url or settings.database_url:
        return None
    return QuickReader.open(settings.sqlite_path)


def quota_snapshot(settings: Settings, clock: Clock = utc_now) -> QuotaSnapshot | None:
    reader = _reader(settings)
    if reader is None:
        return None
    policy = QuotaPolicy.from_settings(settings)
    now = clock().astimezone(UTC)
    windows = windows_at(now, policy.zone)
    since = (windows.day_start, windows.week_start, windows.month_start)
    try:
        with reader:
            first_use = reader.first_quota_use(LIVE_STATES)
            counts = {}
            for action in policy.actions:
                day, week, month = reader.quota_counts(action.value, LIVE_STATES, since, windows.horizon)
                counts[action] = Counts(day=day, week=week, month=month, run=0)
    except QuickReadFailed:
        return None
    return snapshot_of(policy, now, EMBEDDED, counts, first_use)


def breaker_snapshot(settings: Settings) -> BreakerSnapshot | None:
    reader = _reader(settings)
    if reader is None:
        return None
    try:
        with reader:
            row = reader.breaker_row(DEFAULT_NAME)
    except QuickReadFailed:
        return None
    return BreakerSnapshot() if row is None else from_row(row)
