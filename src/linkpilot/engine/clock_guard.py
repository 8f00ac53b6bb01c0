"""The clock guard: our clock against the site's, before a run acts and before each send.

A Raspberry Pi has no real-time clock: after a power cut it boots on the last saved time until
NTP answers. A box whose clock disagrees with LinkedIn's lives on another "today": it would
wish birthdays on the wrong day, and a wish that did land would look absent from its thread.
So the engine notes the `Date` of the site's answers as the browser receives them, with its own
clock at that moment, and acts on nobody while the two are further apart than the tolerance.
No request is made for it: the pages a run loads anyway carry the site's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from linkpilot.common.clock import Clock


@dataclass(frozen=True, slots=True)
class ClockReading:
    ours: datetime  # our clock when the answer arrived
    site: datetime  # the answer's Date header

    @property
    def skew(self) -> timedelta:
        """Positive when our clock is ahead of the site's."""
        return self.ours - self.site

    def within(self, tolerance: timedelta) -> bool:
        return abs(self.skew) <= tolerance

    def describe(self) -> str:
        seconds = self.skew.total_seconds()
        side = "ahead of" if seconds > 0 else "behind"
        return (
            f"this box's clock says {self.ours:%Y-%m-%d %H:%M:%S} UTC, the site's "
            f"{self.site:%Y-%m-%d %H:%M:%S} UTC: {_span(abs(seconds))} {side} the site"
        )

    def as_dict(self, tolerance: timedelta) -> dict[str, object]:
        return {
            "ours": self.ours.isoformat(),
            "site": self.site.isoformat(),
            "skew_s": round(self.skew.total_seconds(), 1),
            "tolerance_s": tolerance.total_seconds(),
            "ok": self.within(tolerance),
        }


def _span(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.1f} hours"
    if seconds >= 120:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds:.0f} s"


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP `Date` header as an aware UTC datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


class SiteClock:
    """The site's time as its latest answers gave it, each next to our clock on arrival."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.latest: ClockReading | None = None

    def observe(self, date_header: str | None) -> None:
        site = parse_http_date(date_header)
        if site is not None:
            self.latest = ClockReading(self.clock().astimezone(UTC), site)


class ClockSkew(Exception):
    """Our clock and the site's disagree beyond the tolerance (or the site gave no time)."""

    def __init__(self, reading: ClockReading | None, message: str) -> None:
        super().__init__(message)
        self.reading = reading
        self.message = message


def check_clock(site: SiteClock, tolerance: timedelta) -> ClockReading:
    """The latest reading when it is within the tolerance; ClockSkew otherwise."""
    reading = site.latest
    if reading is None:
        raise ClockSkew(None, "the site's answers carry no readable Date header: its time is unknown")
    if not reading.within(tolerance):
        raise ClockSkew(reading, f"{reading.describe()} (tolerance {_span(tolerance.total_seconds())})")
    return reading
