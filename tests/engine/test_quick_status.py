"""The status commands' quick read of the SQLite file answers as the ledger and the breaker do,
and steps aside (None) whenever only they can answer."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from linkpilot.common.clock import FrozenClock
from linkpilot.common.settings import Settings, load_settings
from linkpilot.engine import quick_status
from linkpilot.engine.breaker import BreakerSnapshot, create_breaker
from linkpilot.engine.quota.contract import Action, Reservation
from linkpilot.engine.quota.factory import create_ledger
from linkpilot.storage.database import Database
from linkpilot.storage.migrate import ensure_schema
from tests.engine.quota.conftest import paris


def settings_in(home: Path, **overrides: object) -> Settings:
    return load_settings({}, home=home, **overrides)


async def open_home(settings: Settings) -> Database:
    ensure_schema(settings.effective_database_url)
    return Database(settings.effective_database_url)


async def test_quota_snapshot_is_the_ledgers_over_days_weeks_months_and_the_warm_up(tmp_path: Path) -> None:
    always = {"start": "00:00", "end": "23:59:59.999999", "days": list(range(7))}
    settings = settings_in(tmp_path, limits={"warmup_days": 10}, working_hours=always)
    clock = FrozenClock(paris(2026, 3, 2, 10, 0))  # a Monday
    db = await open_home(settings)
    ledger = create_ledger(settings, db, clock)
    # Spread over three weeks and two months (committed, still reserved, released), some on
    # the very edge of a local day: midnight in Paris is 23:00 UTC the day before.
    for day, hour, action, settle in [
        (0, 10, Action.MESSAGE, "commit"),
        (0, 10, Action.SEARCH, "commit"),
        (3, 10, Action.PROFILE_VISIT, "release"),
        (8, 0, Action.MESSAGE, "commit"),
        (8, 23.5, Action.MESSAGE, "keep"),
        (9, 0.5, Action.PROFILE_VISIT, "commit"),
        (9, 10, Action.INVITATION_WITHDRAWAL, "commit"),
        (14, 23.99, Action.SEARCH, "commit"),
        (30, 0, Action.MESSAGE, "commit"),  # 1 April: a new month
        (30, 0.5, Action.SEARCH, "keep"),
        (31, 10, Action.MESSAGE, "release"),
    ]:
        midnight = paris(2026, 3, 2 + day) if day < 30 else paris(2026, 4, day - 29)
        clock.at = midnight + timedelta(hours=hour)
        held = await ledger.reserve(action)
        assert isinstance(held, Reservation), held
        if settle == "commit":
            await ledger.commit(held)
        elif settle == "release":
            await ledger.release(held)
        for later_days in (0, 1, 6, 7):
            clock.advance(days=later_days)
            full = await ledger.snapshot()
            quick = quick_status.quota_snapshot(settings, clock)
            assert quick == full, (clock.at, later_days)
            clock.advance(days=-later_days)
    assert (await ledger.snapshot()).get(Action.MESSAGE).week_used == 1
    await ledger.close()
    await db.dispose()


async def test_breaker_snapshot_is_the_breakers_closed_soft_open_and_hard(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    db = await open_home(settings)
    breaker = create_breaker(settings, db)
    assert quick_status.breaker_snapshot(settings) == await breaker.state() == BreakerSnapshot()
    for _ in range(3):
        await breaker.record_failure("selector missing")
    soft = await breaker.state()
    assert soft.retry_at is not None
    assert quick_status.breaker_snapshot(settings) == soft
    await breaker.trip_hard("checkpoint")
    hard = await breaker.state()
    assert hard.hard
    assert quick_status.breaker_snapshot(settings) == hard
    await breaker.close()
    await db.dispose()


async def test_only_the_full_ledger_and_breaker_answer_outside_the_default_set_up(tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = settings_in(home)
    # No database yet: the full path creates and migrates it.
    assert quick_status.quota_snapshot(settings) is None
    assert quick_status.breaker_snapshot(settings) is None
    db = await open_home(settings)
    await db.dispose()
    assert quick_status.quota_snapshot(settings) is not None
    # Redis holds the shared counts and breaker; another database URL is not this file.
    for other in (
        settings_in(home, redis_url="redis://127.0.0.1:9/0"),
        settings_in(home, database_url=f"sqlite+aiosqlite:///{home / 'linkpilot.db'}"),
    ):
        assert quick_status.quota_snapshot(other) is None
        assert quick_status.breaker_snapshot(other) is None
    # A table gone (a damaged or hand-edited file): the full path says what is wrong.
    with sqlite3.connect(settings.sqlite_path) as conn:
        conn.execute("ALTER TABLE quota_events RENAME TO quota_events_aside")
        conn.execute("ALTER TABLE breaker_state RENAME TO breaker_state_aside")
    conn.close()
    assert quick_status.quota_snapshot(settings) is None
    assert quick_status.breaker_snapshot(settings) is None
    with sqlite3.connect(settings.sqlite_path) as conn:
        conn.execute("ALTER TABLE quota_events_aside RENAME TO quota_events")
        conn.execute("ALTER TABLE breaker_state_aside RENAME TO breaker_state")
    conn.close()
    assert quick_status.breaker_snapshot(settings) == BreakerSnapshot()
    # A schema at another revision is the migration's to bring up first.
    with sqlite3.connect(settings.sqlite_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0000'")
    conn.close()
    assert quick_status.quota_snapshot(settings) is None
    # A file that is no database: the full path says so in one line.
    settings.sqlite_path.write_bytes(b"not a database at all" * 100)
    assert quick_status.breaker_snapshot(settings) is None
