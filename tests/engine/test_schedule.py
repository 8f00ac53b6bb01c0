from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from linkpilot.common.settings import CampaignSchedule, load_settings
from linkpilot.engine.campaigns.summary import RunSummary, StopReason
from linkpilot.engine.schedule import Scheduler, last_run_day, next_slot
from linkpilot.storage.database import Database
from linkpilot.storage.migrate import upgrade
from linkpilot.storage.models import CampaignRun

PARIS = ZoneInfo("Europe/Paris")
WINDOW = CampaignSchedule(enabled=True, start=time(8, 0), end=time(10, 0), days=(0, 1, 2, 3, 4))


def at(day: str, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hh, mm), tzinfo=PARIS).astimezone(UTC)


def test_disabled_campaigns_have_no_slot() -> None:
    assert next_slot("birthday", CampaignSchedule(), at("2026-11-26", 7), PARIS, random.Random(1)) is None


def test_slot_falls_inside_todays_window_when_it_is_still_ahead() -> None:
    for seed in range(50):
        slot = next_slot("birthday", WINDOW, at("2026-11-26", 9, 30), PARIS, random.Random(seed))
        assert slot is not None
        assert at("2026-11-26", 9, 30) < slot.at <= at("2026-11-26", 10)


def test_after_the_window_or_once_run_today_it_moves_to_the_next_working_day() -> None:
    thursday_evening = next_slot("birthday", WINDOW, at("2026-11-26", 18), PARIS, random.Random(3))
    assert thursday_evening is not None
    assert thursday_evening.at.astimezone(PARIS).date() == date(2026, 11, 27)
    ran_today = next_slot(
        "birthday", WINDOW, at("2026-11-26", 8, 30), PARIS, random.Random(3), ran_on=date(2026, 11, 26)
    )
    assert ran_today is not None
    assert ran_today.at.astimezone(PARIS).date() == date(2026, 11, 27)
    friday_evening = next_slot("birthday", WINDOW, at("2026-11-27", 11), PARIS, random.Random(3))
    assert friday_evening is not None
    assert friday_evening.at.astimezone(PARIS).date() == date(2026, 11, 30)  # Monday: no weekend runs
    assert time(8) <= friday_evening.at.astimezone(PARIS).time() <= time(10)


def test_windows_follow_the_local_clock_across_daylight_saving() -> None:
    # 29 March 2026: Paris moves from UTC+1 to UTC+2.
    slot = next_slot(
        "birthday",
        CampaignSchedule(enabled=True, days=tuple(range(7))),
        at("2026-03-28", 12),
        PARIS,
        random.Random(5),
    )
    assert slot is not None
    local = slot.at.astimezone(PARIS)
    assert local.date() == date(2026, 3, 29)
    assert time(8) <= local.time() <= time(10)


class SteppingClock:
    """Each reading is ten minutes after the last: the schedule's waits end at once."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=10)
        return self.now


async def test_scheduler_starts_each_enabled_campaign_once_per_day(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 's.db'}"
    upgrade(url)
    db = Database(url)
    settings = load_settings(
        {
            "LINKPILOT_HOME": str(tmp_path),
            "LINKPILOT_SCHEDULE__BIRTHDAY__ENABLED": "true",
            "LINKPILOT_SCHEDULE__INVITATIONS__ENABLED": "true",
            "LINKPILOT_SCHEDULE__INVITATIONS__DRY_RUN": "true",
        }
    )
    clock = SteppingClock(at("2026-11-26", 7))
    started: list[tuple[str, bool, date]] = []

    async def start(name: str, dry_run: bool) -> None:
        started.append((name, dry_run, clock.now.astimezone(PARIS).date()))
        if not dry_run:
            async with db.transaction() as session:
                session.add(
                    CampaignRun(campaign=name, dry_run=False, status="completed", started_at=clock.now)
                )
        if len(started) == 4:
            scheduler.stop()

    scheduler = Scheduler(settings, db, start, clock, random.Random(11), step_s=0.001)
    await scheduler.run()
    await db.dispose()
    assert sorted(started) == [
        ("birthday", False, date(2026, 11, 26)),
        ("birthday", False, date(2026, 11, 27)),
        ("invitations", True, date(2026, 11, 26)),
        ("invitations", True, date(2026, 11, 27)),
    ]


async def test_last_run_day_ignores_dry_runs(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 's.db'}"
    upgrade(url)
    db = Database(url)
    async with db.transaction() as session:
        session.add(
            CampaignRun(campaign="birthday", dry_run=True, status="completed", started_at=at("2026-11-26", 9))
        )
        session.add(
            CampaignRun(
                campaign="birthday", dry_run=False, status="completed", started_at=at("2026-11-25", 23, 30)
            )
        )
    assert await last_run_day(db, "birthday", PARIS) == date(2026, 11, 25)
    assert await last_run_day(db, "sourcing", PARIS) is None
    await db.dispose()


async def test_a_run_stopped_by_the_clock_guard_waits_for_the_clock_then_runs(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 's.db'}"
    upgrade(url)
    db = Database(url)
    settings = load_settings(
        {"LINKPILOT_HOME": str(tmp_path), "LINKPILOT_SCHEDULE__BIRTHDAY__ENABLED": "true"}
    )
    clock = SteppingClock(at("2026-11-26", 7))
    attempts: list[datetime] = []

    async def start(name: str, dry_run: bool) -> RunSummary:
        attempts.append(clock.now)
        summary = RunSummary(name, dry_run)
        # The box's clock agrees with the site's from the third try on (NTP answered).
        summary.stop = StopReason.CLOCK_SKEW if len(attempts) < 3 else StopReason.COMPLETED
        if len(attempts) == 3:
            scheduler.stop()
        return summary

    scheduler = Scheduler(settings, db, start, clock, random.Random(11), step_s=0.001, clock_retry_s=300)
    await scheduler.run()
    await db.dispose()
    assert len(attempts) == 3
    # Each retry waited the retry delay (the stepping clock moves ten minutes a reading).
    assert all(later - earlier >= timedelta(seconds=300) for earlier, later in itertools.pairwise(attempts))
    assert all(a.astimezone(PARIS).date() == date(2026, 11, 26) for a in attempts)
