"""Pacing: human delays within the configured bounds and working hours, fast never waits."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from linkpilot.common.clock import FrozenClock
from linkpilot.common.errors import ConfigError
from linkpilot.common.settings import Delays, WorkingHours, load_settings
from linkpilot.engine.pacing import FastPacing, HumanPacing, Pause, make_pacing

PARIS = ZoneInfo("Europe/Paris")


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def human(at: datetime, sleeps: Sleeps, seed: int = 1, hours: WorkingHours | None = None) -> HumanPacing:
    return HumanPacing(
        Delays(message_min_s=90, message_max_s=180, visit_min_s=20, visit_max_s=60),
        hours or WorkingHours(start=time(7), end=time(19)),
        PARIS,
        rng=random.Random(seed),
        clock=FrozenClock(at),
        sleep=sleeps,
    )


async def test_fast_pacing_never_waits() -> None:
    fast = FastPacing()
    assert [await fast.pause(kind) for kind in Pause] == [0.0] * len(Pause)
    assert await fast.keystroke() == 0.0
    assert await fast.wait_for_working_hours() == 0.0
    assert not fast.types_per_character


async def test_human_delays_stay_within_bounds_and_follow_the_seed() -> None:
    noon = datetime(2026, 3, 18, 11, 0, tzinfo=UTC)  # 12:00 in Paris, a Wednesday
    sleeps = Sleeps()
    pacing = human(noon, sleeps)
    messages = [await pacing.pause(Pause.MESSAGE) for _ in range(50)]
    visits = [await pacing.pause(Pause.VISIT) for _ in range(50)]
    keys = [await pacing.keystroke() for _ in range(50)]
    assert all(90 <= d <= 180 for d in messages)
    assert all(20 <= d <= 60 for d in visits)
    assert all(0.05 <= d <= 0.22 for d in keys)
    assert len(set(messages)) == 50  # randomised, not a fixed delay
    assert sleeps.calls == messages + visits + keys
    again = human(noon, Sleeps())
    assert [await again.pause(Pause.MESSAGE) for _ in range(50)] == messages
    assert pacing.types_per_character


async def test_scroll_pauses_follow_their_settings_and_none_sleeps_nothing() -> None:
    noon = datetime(2026, 3, 18, 11, 0, tzinfo=UTC)
    sleeps = Sleeps()
    default = human(noon, sleeps)
    scrolls = [await default.pause(Pause.SCROLL) for _ in range(50)]
    assert all(0.4 <= d <= 1.4 for d in scrolls)
    assert sleeps.calls == scrolls
    # `linkpilot demo`'s setting: its lists are read without a person's pauses.
    none = HumanPacing(
        Delays(scroll_min_s=0, scroll_max_s=0),
        WorkingHours(start=time(7), end=time(19)),
        PARIS,
        clock=FrozenClock(noon),
        sleep=(quiet := Sleeps()),
    )
    assert [await none.pause(Pause.SCROLL) for _ in range(5)] == [0.0] * 5
    assert quiet.calls == []
    assert await none.pause(Pause.MESSAGE) >= 90  # messages keep theirs


async def test_human_waits_for_working_hours_in_the_configured_zone() -> None:
    # 05:30 UTC is 06:30 in Paris (winter time): half an hour before the 07:00 opening.
    early = datetime(2026, 3, 18, 5, 30, tzinfo=UTC)
    sleeps = Sleeps()
    pacing = human(early, sleeps)
    assert not pacing.working_time.contains(early)
    assert pacing.until_working_hours(early) == 30 * 60
    waited = await pacing.pause(Pause.STEP)
    assert sleeps.calls[0] == 30 * 60
    assert 30 * 60 + 0.6 <= waited <= 30 * 60 + 2.2
    # After closing time, the next day's opening.
    late = datetime(2026, 3, 18, 19, 0, tzinfo=UTC)  # 20:00 in Paris
    assert pacing.until_working_hours(late) == 11 * 3600
    # Inside the window nothing extra is waited.
    assert pacing.until_working_hours(datetime(2026, 3, 18, 9, 0, tzinfo=UTC)) == 0


async def test_human_skips_days_off() -> None:
    weekdays = WorkingHours(start=time(9), end=time(17), days=(0, 1, 2, 3, 4))
    saturday_noon = datetime(2026, 3, 21, 11, 0, tzinfo=UTC)
    pacing = human(saturday_noon, Sleeps(), hours=weekdays)
    assert not pacing.working_time.contains(saturday_noon)
    # Monday 09:00 Paris is 08:00 UTC: 1 day 21 hours after Saturday 11:00 UTC.
    assert pacing.until_working_hours(saturday_noon) == (24 + 21) * 3600
    nobody = human(saturday_noon, Sleeps(), hours=WorkingHours(days=()))
    with pytest.raises(ConfigError, match="no working day"):
        await nobody.wait_for_working_hours()


def test_make_pacing_follows_the_settings() -> None:
    assert isinstance(make_pacing(load_settings({}, pacing="fast")), FastPacing)
    built = make_pacing(load_settings({}, pacing="human", timezone="Europe/Paris"), rng=random.Random(0))
    assert isinstance(built, HumanPacing)
    assert built.working_time.zone == PARIS
    assert built.delays.message_min_s == 90
