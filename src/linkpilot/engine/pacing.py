"""Pacing: how long the engine waits between steps. The only place in the engine that sleeps.

`human` spreads actions out with randomised delays from the settings and only acts inside
working hours; `fast` never waits (the practice site, tests, benchmarks).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from linkpilot.common.clock import Clock, utc_now
from linkpilot.common.errors import ConfigError
from linkpilot.common.settings import Delays, Settings, WorkingHours
from linkpilot.engine.quota.working_hours import WorkingTime

Sleep = Callable[[float], Awaitable[None]]


class Pause(StrEnum):
    """What the engine is about to wait between."""

    MESSAGE = "message"  # between two messages sent
    VISIT = "visit"  # between two profile visits
    STEP = "step"  # between two clicks of one action (open, type, send)
    SCROLL = "scroll"  # between two scrolls of a list


class Pacing(Protocol):
    name: str

    async def pause(self, kind: Pause) -> float:
        """Wait before the next action of `kind`; returns the seconds waited."""
        ...

    async def keystroke(self) -> float:
        """Wait between two typed characters; returns the seconds waited."""
        ...

    @property
    def types_per_character(self) -> bool:
        """Whether text is typed one character at a time (human) or filled at once (fast)."""
        ...

    async def wait_for_working_hours(self) -> float:
        """Wait until the working hours window is open; returns the seconds waited."""
        ...


class FastPacing:
    """No delay at all: for the practice site, tests and benchmarks."""

    name = "fast"
    types_per_character = False

    async def pause(self, kind: Pause) -> float:
        return 0.0

    async def keystroke(self) -> float:
        return 0.0

    async def wait_for_working_hours(self) -> float:
        return 0.0


# Short waits that are not configurable: a person reads a dialog for about a second and
# types at 4 to 12 characters a second.
STEP_RANGE_S = (0.6, 2.2)
KEYSTROKE_RANGE_S = (0.05, 0.22)


class HumanPacing:
    """Randomised delays (uniform between the configured bounds), inside working hours."""

    name = "human"
    types_per_character = True

    def __init__(
        self,
        delays: Delays,
        hours: WorkingHours,
        zone: ZoneInfo,
        *,
        rng: random.Random | None = None,
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.delays = delays
        self.working_time = WorkingTime(hours, zone)
        self.rng = rng if rng is not None else random.Random()
        self.clock = clock
        self._sleep = sleep

    def delay_for(self, kind: Pause) -> float:
        low, high = {
            Pause.MESSAGE: (self.delays.message_min_s, self.delays.message_max_s),
            Pause.VISIT: (self.delays.visit_min_s, self.delays.visit_max_s),
            Pause.STEP: STEP_RANGE_S,
            Pause.SCROLL: (self.delays.scroll_min_s, self.delays.scroll_max_s),
        }[kind]
        return self.rng.uniform(low, high)

    async def _wait(self, seconds: float) -> float:
        if seconds > 0:
            await self._sleep(seconds)
        return seconds

    async def pause(self, kind: Pause) -> float:
        waited = await self.wait_for_working_hours()
        return waited + await self._wait(self.delay_for(kind))

    async def keystroke(self) -> float:
        return await self._wait(self.rng.uniform(*KEYSTROKE_RANGE_S))

    def until_working_hours(self, at: datetime) -> float:
        """Seconds from `at` to the next opening of the working hours (0 if open)."""
        opening = self.working_time.next_opening(at)
        if opening is None:
            raise ConfigError("working_hours.days: no working day, so the engine would never act")
        return (opening - at).total_seconds()

    async def wait_for_working_hours(self) -> float:
        return await self._wait(self.until_working_hours(self.clock()))


def make_pacing(
    settings: Settings,
    *,
    rng: random.Random | None = None,
    clock: Clock = utc_now,
    sleep: Sleep = asyncio.sleep,
) -> FastPacing | HumanPacing:
    if settings.pacing == "fast":
        return FastPacing()
    return HumanPacing(
        settings.delays, settings.working_hours, settings.zone, rng=rng, clock=clock, sleep=sleep
    )


async def wait_until(when: datetime, clock: Clock, stop: asyncio.Event, *, step_s: float = 60.0) -> bool:
    """Wait until `when` or until `stop` is set; True when the time came.

    The scheduler's only way to wait: in steps of at most a minute, so a changed clock (a
    suspended Pi, a time-zone change) is noticed, and a stop is answered at once.
    """
    while not stop.is_set():
        remaining = (when - clock()).total_seconds()
        if remaining <= 0:
            return True
        try:
            await asyncio.wait_for(stop.wait(), timeout=min(remaining, step_s))
        except TimeoutError:
            continue
    return False
