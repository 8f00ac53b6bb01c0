"""Daily campaign windows: each enabled campaign starts once a day at a random minute of its
window, on its weekdays, in the configured time zone.

A campaign that already ran (not as a dry run) today is not started again, so restarting the
console or `linkpilot serve` inside the window never runs it twice.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from linkpilot.common.clock import Clock, local_date
from linkpilot.common.settings import CampaignSchedule, Settings
from linkpilot.engine.campaigns.registry import CAMPAIGNS
from linkpilot.engine.campaigns.summary import RunSummary, StopReason
from linkpilot.engine.pacing import wait_until
from linkpilot.storage.database import Database
from linkpilot.storage.runs import last_real_run_started

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slot:
    campaign: str
    at: datetime
    dry_run: bool


def next_slot(
    campaign: str,
    window: CampaignSchedule,
    after: datetime,
    zone: ZoneInfo,
    rng: random.Random,
    *,
    ran_on: date | None = None,
) -> Slot | None:
    """The next start of `campaign` strictly after `after` (None when it is not enabled).

    Today counts only if the campaign has not run today (`ran_on`) and some of today's window
    is still ahead; the minute is drawn inside what is left of the window.
    """
    if not window.enabled:
        return None
    local = after.astimezone(zone)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if day.weekday() not in window.days or day == ran_on:
            continue
        opens = datetime.combine(day, window.start, tzinfo=zone)
        closes = datetime.combine(day, window.end, tzinfo=zone)
        earliest = max(opens, local + timedelta(seconds=1))
        if earliest >= closes:
            continue
        span = (closes - earliest).total_seconds()
        at = earliest + timedelta(seconds=rng.uniform(0, span))
        return Slot(campaign, at.astimezone(after.tzinfo), window.dry_run)
    return None


async def last_run_day(db: Database, campaign: str, zone: ZoneInfo) -> date | None:
    async with db.session() as session:
        started = await last_real_run_started(session, campaign)
    return None if started is None else local_date(started, zone)


StartCampaign = Callable[[str, bool], Awaitable[object]]
# How often a run stopped by the clock guard is tried again: NTP usually answers within minutes.
CLOCK_RETRY_S = 300.0


def stopped_on_clock_skew(result: object) -> bool:
    return isinstance(result, RunSummary) and result.stop is StopReason.CLOCK_SKEW


class Scheduler:
    """Starts campaigns at their slots until stopped; one campaign at a time."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        start: StartCampaign,
        clock: Clock,
        rng: random.Random,
        *,
        step_s: float = 60.0,
        clock_retry_s: float = CLOCK_RETRY_S,
    ) -> None:
        self.settings = settings
        self.db = db
        self.start = start
        self.clock = clock
        self.rng = rng
        self.stop_event = asyncio.Event()
        self.upcoming: dict[str, Slot] = {}
        self.step_s = step_s
        self.clock_retry_s = clock_retry_s
        # Dry runs leave no real run behind, so the days they ran are remembered here.
        self.started_on: dict[str, date] = {}

    def windows(self) -> dict[str, CampaignSchedule]:
        return {name: entry.schedule(self.settings) for name, entry in CAMPAIGNS.items()}

    async def plan(self) -> list[Slot]:
        """The next slot of every enabled campaign, soonest first (shown by the console)."""
        zone = self.settings.zone
        now = self.clock()
        for name, window in self.windows().items():
            current = self.upcoming.get(name)
            if current is not None and current.at > now:
                continue
            days = [d for d in (await last_run_day(self.db, name, zone), self.started_on.get(name)) if d]
            slot = next_slot(name, window, now, zone, self.rng, ran_on=max(days) if days else None)
            if slot is None:
                self.upcoming.pop(name, None)
            else:
                self.upcoming[name] = slot
        return sorted(self.upcoming.values(), key=lambda s: s.at)

    async def run(self) -> None:
        while not self.stop_event.is_set():
            slots = await self.plan()
            if not slots:
                log.info("no campaign is scheduled")
                await self.stop_event.wait()
                return
            slot = slots[0]
            log.info("next: %s at %s", slot.campaign, slot.at.isoformat())
            if not await wait_until(slot.at, self.clock, self.stop_event, step_s=self.step_s):
                return
            self.upcoming.pop(slot.campaign, None)
            self.started_on[slot.campaign] = local_date(slot.at, self.settings.zone)
            try:
                result = await self.start(slot.campaign, slot.dry_run)
                while stopped_on_clock_skew(result):
                    # Nothing acted: wait for the clock (NTP after a Pi's power cut), then again.
                    log.warning(
                        "%s waits for the clock; next try in %.0f s", slot.campaign, self.clock_retry_s
                    )
                    retry_at = self.clock() + timedelta(seconds=self.clock_retry_s)
                    if not await wait_until(retry_at, self.clock, self.stop_event, step_s=self.step_s):
                        return
                    result = await self.start(slot.campaign, slot.dry_run)
            except Exception:
                # One failed run must not end the schedule of the others.
                log.exception("scheduled %s run failed", slot.campaign)

    def stop(self) -> None:
        self.stop_event.set()
