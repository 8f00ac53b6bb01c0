"""Working hours in the configured zone: inside them or not, and when they next open."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from linkpilot.common.settings import WorkingHours, load_settings
from linkpilot.engine.quota.working_hours import WorkingTime

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = WorkingTime(WorkingHours(start=time(9), end=time(17), days=(0, 1, 2, 3, 4)), PARIS)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("now", "inside", "opening"),
    [
        (paris(2026, 3, 18, 8, 59), False, paris(2026, 3, 18, 9)),  # Wednesday, before opening
        (paris(2026, 3, 18, 9, 0), True, paris(2026, 3, 18, 9)),  # the opening minute is in
        (paris(2026, 3, 18, 16, 59), True, paris(2026, 3, 18, 16, 59)),
        (paris(2026, 3, 18, 17, 0), False, paris(2026, 3, 19, 9)),  # closing time is out
        (paris(2026, 3, 20, 18, 0), False, paris(2026, 3, 23, 9)),  # Friday evening: Monday
        (paris(2026, 3, 21, 12, 0), False, paris(2026, 3, 23, 9)),  # Saturday: a day off
        # 29 March 2026: Paris moves to summer time; Monday's 09:00 is 07:00 UTC, not 08:00.
        (paris(2026, 3, 28, 12, 0), False, datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),
    ],
)
def test_inside_and_next_opening(now: datetime, inside: bool, opening: datetime) -> None:
    assert WEEKDAYS.contains(now) is inside
    assert WEEKDAYS.next_opening(now) == opening
    # Asked in UTC, the same answers: the zone is the configured one, not the instant's.
    assert WEEKDAYS.contains(now.astimezone(UTC)) is inside
    assert WEEKDAYS.next_opening(now.astimezone(UTC)) == opening


def test_until_midnight_always_open_and_never_open() -> None:
    evenings = WorkingTime(WorkingHours(start=time(18), end="24:00"), PARIS)  # type: ignore[arg-type]
    assert evenings.contains(paris(2026, 3, 18, 23, 59, 59))
    assert not evenings.contains(paris(2026, 3, 19, 0, 0))
    assert evenings.next_opening(paris(2026, 3, 19, 0, 0)) == paris(2026, 3, 19, 18)
    always = WorkingTime(WorkingHours(start=time(0), end="24:00"), PARIS)  # type: ignore[arg-type]
    for hour in (0, 7, 23):
        now = paris(2026, 3, 18, hour, 30)
        assert always.contains(now)
        assert always.next_opening(now) == now
    never = WorkingTime(WorkingHours(days=()), PARIS)
    assert not never.contains(paris(2026, 3, 18, 12))
    assert never.next_opening(paris(2026, 3, 18, 12)) is None


def test_of_the_settings() -> None:
    settings = load_settings(
        {}, timezone="America/New_York", working_hours={"start": "08:00", "end": "10:00"}
    )
    working = WorkingTime.of(settings)
    assert working.contains(datetime(2026, 3, 18, 13, 0, tzinfo=UTC))  # 09:00 in New York
    assert not working.contains(datetime(2026, 3, 18, 9, 0, tzinfo=UTC))  # 09:00 in Paris
