"""The rules, free of storage: windows in the configured zone, working hours, warm-up, limits.

Both backends count units over the same windows and apply `first_refusal` in the same order
(the Redis Lua script mirrors it), so they answer alike for the same history.

- Day: the current calendar day in the configured zone (midnight to midnight, so a DST day
  lasts 23 or 25 hours).
- Week: rolling seven calendar days in the zone: today and the six days before it.
- Month (searches only): the current calendar month in the zone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from linkpilot.common.clock import local_date
from linkpilot.common.settings import ActionLimits, Settings, WorkingHours
from linkpilot.engine.quota.contract import Action, ActionUsage, QuotaSnapshot, RefusalReason
from linkpilot.engine.quota.working_hours import WorkingTime

# Day one of a warm-up allows this share of the full daily limit; the share grows linearly
# to the full limit on day `warmup_days`.
WARMUP_START_FRACTION = 0.25

# A run's units are looked for over this span only (an index range, not every unit ever); no run
# lasts anywhere near as long.
RUN_SPAN = timedelta(days=8)


@dataclass(frozen=True, slots=True)
class ActionPolicy:
    per_day: int | None
    per_week: int | None
    per_run: int | None
    per_month: int | None = None


@dataclass(frozen=True, slots=True)
class Windows:
    """Window bounds as UTC instants: each window is [start, end)."""

    day_start: datetime
    day_end: datetime
    week_start: datetime
    month_start: datetime
    month_end: datetime

    @property
    def horizon(self) -> datetime:
        """Nothing older than this can count in any window."""
        return min(self.week_start, self.month_start)


@dataclass(frozen=True, slots=True)
class Counts:
    day: int
    week: int
    month: int
    run: int


@dataclass(frozen=True, slots=True)
class EffectiveLimits:
    """The limits that apply right now (the daily one after the warm-up ramp); None: no limit."""

    day: int | None
    day_full: int | None
    week: int | None
    month: int | None
    run: int | None


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def windows_at(now: datetime, zone: ZoneInfo) -> Windows:
    today = local_date(now, zone)
    first = today.replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return Windows(
        day_start=_local_midnight(today, zone),
        day_end=_local_midnight(today + timedelta(days=1), zone),
        week_start=_local_midnight(today - timedelta(days=6), zone),
        month_start=_local_midnight(first, zone),
        month_end=_local_midnight(next_month, zone),
    )


def week_release_at(oldest_needed: datetime, zone: ZoneInfo) -> datetime:
    """When a unit spent at `oldest_needed` leaves the rolling week: seven local days later."""
    day = local_date(oldest_needed, zone)
    return _local_midnight(day + timedelta(days=7), zone)


def warmup_day(now: datetime, first_use: datetime | None, zone: ZoneInfo) -> int:
    """0 on the day of first use (or before any use), counted in local calendar days."""
    if first_use is None:
        return 0
    return max(0, (local_date(now, zone) - local_date(first_use, zone)).days)


def warmup_limit(full: int, day: int, warmup_days: int) -> int:
    if warmup_days <= 0 or day >= warmup_days or full == 0:
        return full
    share = WARMUP_START_FRACTION + (1 - WARMUP_START_FRACTION) * day / warmup_days
    return max(1, min(full, math.ceil(full * share)))


@dataclass(frozen=True, slots=True)
class QuotaPolicy:
    zone: ZoneInfo
    working_hours: WorkingHours
    warmup_days: int
    actions: Mapping[Action, ActionPolicy]

    @property
    def working_time(self) -> WorkingTime:
        return WorkingTime(self.working_hours, self.zone)

    @classmethod
    def from_settings(cls, settings: Settings) -> QuotaPolicy:
        limits = settings.limits

        def of(section: ActionLimits) -> ActionPolicy:
            return ActionPolicy(per_day=section.per_day, per_week=section.per_week, per_run=section.per_run)

        return cls(
            zone=settings.zone,
            working_hours=settings.working_hours,
            warmup_days=limits.warmup_days,
            actions={
                Action.MESSAGE: of(limits.messages),
                Action.PROFILE_VISIT: of(limits.profile_visits),
                Action.INVITATION_WITHDRAWAL: of(limits.invitation_withdrawals),
                # LinkedIn's commercial use limit counts searches per calendar month only.
                Action.SEARCH: ActionPolicy(
                    per_day=None, per_week=None, per_run=None, per_month=limits.searches_per_month
                ),
            },
        )

    def effective(
        self, action: Action, *, now: datetime, first_use: datetime | None, run_limit: int | None
    ) -> EffectiveLimits:
        policy = self.actions[action]
        day = policy.per_day
        if day is not None:
            day = warmup_limit(day, warmup_day(now, first_use, self.zone), self.warmup_days)
        run = policy.per_run if run_limit is None else run_limit
        if run is not None and policy.per_run is not None:
            # A run may ask for less than the configured per-run cap, never for more.
            run = min(run, policy.per_run)
        return EffectiveLimits(
            day=day, day_full=policy.per_day, week=policy.per_week, month=policy.per_month, run=run
        )


def first_refusal(counts: Counts, limits: EffectiveLimits, *, has_run: bool) -> RefusalReason | None:
    """The first window that is full, in a fixed order (mirrored by reserve.lua)."""
    if has_run and limits.run is not None and counts.run >= limits.run:
        return "run_cap"
    if limits.month is not None and counts.month >= limits.month:
        return "monthly_limit"
    if limits.week is not None and counts.week >= limits.week:
        return "weekly_limit"
    if limits.day_full is not None and counts.day >= limits.day_full:
        return "daily_limit"
    if limits.day is not None and counts.day >= limits.day:
        return "warming_up"
    return None


def retry_time(
    reason: RefusalReason,
    *,
    now: datetime,
    windows: Windows,
    week_oldest_needed: datetime | None,
    policy: QuotaPolicy,
) -> datetime | None:
    """The earliest time asking again can succeed, moved into working hours."""
    at: datetime | None
    if reason in ("daily_limit", "warming_up"):
        at = windows.day_end
    elif reason == "weekly_limit":
        at = week_release_at(week_oldest_needed, policy.zone) if week_oldest_needed else windows.day_end
    elif reason == "monthly_limit":
        at = windows.month_end
    elif reason == "outside_working_hours":
        at = now
    else:  # run_cap: a new run, not time, frees it
        return None
    return policy.working_time.next_opening(at)


def used_and_limit(reason: RefusalReason, counts: Counts, limits: EffectiveLimits) -> tuple[int, int]:
    """The count and the limit a refusal is about, for its message."""
    pairs: dict[str, tuple[int, int | None]] = {
        "run_cap": (counts.run, limits.run),
        "monthly_limit": (counts.month, limits.month),
        "weekly_limit": (counts.week, limits.week),
        "daily_limit": (counts.day, limits.day_full),
        "warming_up": (counts.day, limits.day),
        "outside_working_hours": (0, 0),
    }
    used, limit = pairs[reason]
    return used, limit or 0


def snapshot_of(
    policy: QuotaPolicy,
    now: datetime,
    backend: str,
    counts: Mapping[Action, Counts],
    first_use: datetime | None,
) -> QuotaSnapshot:
    """What every ledger's `snapshot()` answers, from its counts of each action's windows."""
    usage = []
    for action in policy.actions:
        limits = policy.effective(action, now=now, first_use=first_use, run_limit=None)
        monthly = limits.month is not None
        used = counts[action]
        usage.append(
            ActionUsage(
                action=action,
                day_used=used.day,
                day_limit=limits.day,
                week_used=used.week,
                week_limit=limits.week,
                month_used=used.month if monthly else None,
                month_limit=limits.month,
            )
        )
    warming = None
    if policy.warmup_days:
        day = warmup_day(now, first_use, policy.zone)
        warming = day if day < policy.warmup_days else None
    return QuotaSnapshot(now, backend, tuple(usage), warming)
