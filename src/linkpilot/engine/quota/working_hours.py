"""When the engine may act: the configured working hours, on their days, in the configured zone.

The one place that answers whether an instant is inside them (`contains`) and when they next
open (`next_opening`): the quota ledger refuses outside them and says when to retry, human
pacing waits for them, and the console shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from linkpilot.common.settings import Settings, WorkingHours


@dataclass(frozen=True, slots=True)
class WorkingTime:
    hours: WorkingHours
    zone: ZoneInfo

    @classmethod
    def of(cls, settings: Settings) -> WorkingTime:
        return cls(settings.working_hours, settings.zone)

    def contains(self, now: datetime) -> bool:
        local = now.astimezone(self.zone)
        return local.weekday() in self.hours.days and self.hours.contains(local.time())

    def next_opening(self, now: datetime) -> datetime | None:
        """`now` itself when the hours are open, else the instant (UTC) they next open; None
        when no day of the week is a working day."""
        local = now.astimezone(self.zone)
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            if day.weekday() not in self.hours.days:
                continue
            start, end = self.hours.on(day, self.zone)
            if start <= local < end:
                return now
            if local < start:
                return start.astimezone(UTC)
        return None
