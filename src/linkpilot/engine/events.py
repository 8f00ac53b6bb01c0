"""Typed, immutable events the engine publishes; the console and headless printers subscribe.

Subscribers never reach into engine internals: everything they show arrives as one of these.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from linkpilot.common.clock import Clock, utc_now

log = logging.getLogger(__name__)
# The console keeps only the newest lines in memory; this logger is how every line also reaches
# the full log on disk (linkpilot.log, set up by the CLI) without the engine knowing about files.
campaign_log = logging.getLogger("linkpilot.campaign")

Level = Literal["debug", "info", "warning", "error"]
_LEVELS: dict[str, int] = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    at: datetime = field(default_factory=utc_now)


@dataclass(frozen=True, slots=True, kw_only=True)
class LogLine(Event):
    level: Level
    message: str
    campaign: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Progress(Event):
    campaign: str
    run_id: int | None
    done: int
    total: int
    current: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class QuotaChanged(Event):
    # action -> {"day_used", "day_limit", "week_used", "week_limit"}
    gauges: dict[str, dict[str, int]]


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakerChanged(Event):
    state: str
    reason: str | None
    hard: bool
    retry_at: datetime | None = None
    # When it opened (or went half-open), as the breaker recorded it; None while closed.
    since: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionChanged(Event):
    status: str
    expires_at: datetime | None = None
    # When the session last proved itself on the site (a check, or a plan that read the site).
    checked_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClockChecked(Event):
    """The clock guard compared this box's clock with the site's."""

    ours: datetime
    site: datetime
    skew_s: float  # positive: this box is ahead
    ok: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class CampaignStarted(Event):
    campaign: str
    run_id: int | None
    dry_run: bool
    planned: int


@dataclass(frozen=True, slots=True)
class RunCounts:
    """What a run came to: people acted on by outcome, and people skipped."""

    sent: int = 0
    failed: int = 0
    unknown: int = 0
    skipped: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class CampaignFinished(Event):
    campaign: str
    run_id: int | None
    counts: RunCounts
    # Why the run ended: a StopReason value ("completed", "quota", "checkpoint"...).
    stopped: str
    # The whole summary as `linkpilot run --json` prints it.
    summary: dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class RunPaused(Event):
    """The operator paused (or resumed) a run: it waits between two people."""

    campaign: str
    run_id: int | None
    paused: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityChanged(Event):
    # Actions done per local day, oldest first, the last entry being today.
    per_day: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ScheduledRun:
    campaign: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleChanged(Event):
    next_runs: tuple[ScheduledRun, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Tick(Event):
    """Once a minute, and whenever asked: what time alone changes, for a long-lived screen."""

    today: date  # in the configured time zone
    working_hours: bool
    next_runs: tuple[ScheduledRun, ...] = ()


Subscriber = Callable[[Event], None]


class EventBus:
    """Fan-out to subscribers. Publishing never blocks the engine and never fails it."""

    def __init__(self, *, record: bool = True, clock: Clock = utc_now) -> None:
        # `record=False` is for private buses (plans nobody asked to watch): their lines would
        # only fill the log on disk with dry runs the dashboard repeats every few minutes.
        self.record = record
        # The engine's clock (injected in tests and the clock guard): what publishers stamp with.
        self.clock = clock
        self._subscribers: list[Subscriber] = []

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def publish(self, event: Event) -> None:
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                # A broken screen must not stop a campaign half-way through a send.
                log.exception("event subscriber failed")

    def log(self, level: Level, message: str, campaign: str | None = None) -> None:
        if self.record:
            campaign_log.log(_LEVELS[level], "[%s] %s", campaign or "engine", message)
        self.publish(LogLine(level=level, message=message, campaign=campaign, at=self.clock()))
