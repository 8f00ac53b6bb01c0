"""The one clock. Tests replace it; nothing else calls datetime.now()."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo

from tzlocal import get_localzone_name

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_date(at: datetime, zone: tzinfo) -> date:
    """The calendar date in the configured time zone at the aware instant `at`: what "today"
    is for campaigns, windows and the schedule (never the box's own zone or UTC's)."""
    if at.tzinfo is None:
        raise ValueError("local_date needs an aware datetime")
    return at.astimezone(zone).date()


def local_zone_name() -> str:
    """This machine's time zone (TZ, /etc/timezone, /etc/localtime), UTC when it has none."""
    try:
        return get_localzone_name() or "UTC"
    except (LookupError, ValueError):  # a TZ tzlocal cannot name: the box has no usable zone
        return "UTC"


class FrozenClock:
    """A clock that only moves when told to: for tests and snapshots."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.at = self.at + timedelta(**delta)
