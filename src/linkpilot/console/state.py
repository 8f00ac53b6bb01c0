"""The console's one state, and the one pure fold that turns the engine's events into it.

The engine publishes every fact a screen shows (quota, breaker, session, activity, schedule,
runs, and once a minute the local date and working hours). `fold` is the only place those
events become state: `ConsoleApp.state` holds its result and each screen and widget watches
what it draws. Facts other engineers' events bring (a clock skew, a page that could not be
read, a notification delivered) belong here as fields of their own, folded the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal

from linkpilot.engine.campaigns.registry import CAMPAIGN_NAMES, campaign
from linkpilot.engine.campaigns.summary import StopReason
from linkpilot.engine.events import (
    ActivityChanged,
    BreakerChanged,
    CampaignFinished,
    CampaignStarted,
    ClockChecked,
    Event,
    Progress,
    QuotaChanged,
    RunPaused,
    ScheduleChanged,
    ScheduledRun,
    SessionChanged,
    Tick,
)
from linkpilot.engine.notify.status import ChannelStatus, NotifyStatus

CAMPAIGNS: tuple[str, ...] = CAMPAIGN_NAMES


def _action(name: str) -> str:
    """The quota gauge a campaign spends (its key is disabled while the gauge is spent)."""
    return campaign(name).action.value if name in CAMPAIGNS else ""


@dataclass(frozen=True, slots=True)
class BreakerView:
    state: str = "closed"  # closed | open | half_open
    reason: str | None = None
    hard: bool = False
    since: datetime | None = None
    retry_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.state == "open"


@dataclass(frozen=True, slots=True)
class SessionView:
    status: str = "unknown"  # valid | missing | expired | checkpoint | unknown ...
    expires_at: datetime | None = None
    checked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RunningView:
    campaign: str
    run_id: int | None
    dry_run: bool
    done: int = 0
    total: int = 0
    current: str | None = None
    paused: bool = False


@dataclass(frozen=True, slots=True)
class UnreadableView:
    """The latest run that stopped on a page it could not read, and where its copy is."""

    campaign: str
    page: str  # which page: "birthday", "search results"...
    why: str  # what failed: "HTTP 500", or the facts it could not read
    diagnostic: str | None  # the copy of the page as it was
    at: datetime


@dataclass(frozen=True, slots=True)
class ConsoleState:
    """Everything the screens show, as the engine last told it."""

    # action -> {"day_used", "day_limit", "week_used", "week_limit"[, "month_used", "month_limit"]}
    gauges: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    breaker: BreakerView = BreakerView()
    session: SessionView = SessionView()
    running: RunningView | None = None
    # Actions done per local day, oldest first, the last entry being today.
    activity: tuple[int, ...] = ()
    next_runs: tuple[ScheduledRun, ...] = ()
    # False outside the configured working hours: campaigns cannot act then.
    working_hours: bool = True
    # The engine's clock and local date at its last tick: relative times and the title read these.
    today: date | None = None
    now: datetime | None = None
    # The clock guard's latest reading: this box's clock minus the site's, and whether it passed.
    clock_skew_s: float | None = None
    clock_ok: bool = True
    # The notification channels, masked, each with its last delivery.
    notifications: tuple[ChannelStatus, ...] = ()
    # Set when a run stops on `page_unreadable`; a later run of that campaign that reads its
    # pages whole (completed, or nothing to do) clears it.
    unreadable: UnreadableView | None = None


def fold(state: ConsoleState, event: Event) -> ConsoleState:
    """The state after `event`. Pure: the same events in the same order give the same state."""
    if isinstance(event, QuotaChanged):
        return replace(state, gauges=event.gauges)
    if isinstance(event, BreakerChanged):
        breaker = BreakerView(
            event.state,
            event.reason,
            event.hard,
            None if event.state == "closed" else event.since,
            event.retry_at,
        )
        return replace(state, breaker=breaker)
    if isinstance(event, ClockChecked):
        return replace(state, clock_skew_s=event.skew_s, clock_ok=event.ok)
    if isinstance(event, NotifyStatus):
        return replace(state, notifications=event.channels)
    if isinstance(event, SessionChanged):
        return replace(state, session=SessionView(event.status, event.expires_at, event.checked_at))
    if isinstance(event, ActivityChanged):
        return replace(state, activity=event.per_day)
    if isinstance(event, ScheduleChanged):
        return replace(state, next_runs=event.next_runs)
    if isinstance(event, Tick):
        return replace(
            state,
            today=event.today,
            now=event.at,
            working_hours=event.working_hours,
            next_runs=event.next_runs,
        )
    if isinstance(event, CampaignStarted):
        return replace(
            state, running=RunningView(event.campaign, event.run_id, event.dry_run, 0, event.planned)
        )
    if isinstance(event, Progress):
        running = state.running
        if running is None or running.campaign != event.campaign:
            # The console opened while a scheduled run was under way: show it all the same.
            running = RunningView(event.campaign, event.run_id, dry_run=False)
        return replace(
            state, running=replace(running, done=event.done, total=event.total, current=event.current)
        )
    if isinstance(event, RunPaused):
        if state.running is None or state.running.campaign != event.campaign:
            return state
        return replace(state, running=replace(state.running, paused=event.paused))
    if isinstance(event, CampaignFinished):
        state = replace(state, unreadable=_unreadable(state.unreadable, event))
        if state.running is not None and state.running.campaign == event.campaign:
            return replace(state, running=None)
        return state
    return state


def _unreadable(shown: UnreadableView | None, finished: CampaignFinished) -> UnreadableView | None:
    if finished.stopped == StopReason.PAGE_UNREADABLE:
        unread = finished.summary.get("unreadable") or {}
        missing = unread.get("missing") or {}
        why = unread.get("failure") or ", ".join(f"{key} on {n}" for key, n in sorted(missing.items()))
        return UnreadableView(
            finished.campaign, unread.get("page") or "a", why, unread.get("diagnostic"), finished.at
        )
    read_whole = finished.stopped in (StopReason.COMPLETED, StopReason.NOTHING_TO_DO)
    return None if shown is not None and shown.campaign == finished.campaign and read_whole else shown


def fold_all(events: Iterable[Event], state: ConsoleState | None = None) -> ConsoleState:
    for event in events:
        state = fold(state or ConsoleState(), event)
    return state or ConsoleState()


def quota_spent(state: ConsoleState, campaign: str) -> bool:
    gauge = state.gauges.get(_action(campaign))
    if not gauge:
        return False
    day_spent = gauge.get("day_limit") is not None and gauge.get("day_used", 0) >= gauge["day_limit"]
    week_spent = gauge.get("week_limit") is not None and gauge.get("week_used", 0) >= gauge["week_limit"]
    return day_spent or week_spent


@dataclass(frozen=True, slots=True)
class Busy:
    """A campaign this console is planning (reading the site) or starting: its keys wait."""

    campaign: str
    step: Literal["planning", "starting"]

    @property
    def why(self) -> str:
        return (
            f"reading the {self.campaign} plan" if self.step == "planning" else f"{self.campaign} is starting"
        )


def campaign_blocked(state: ConsoleState, campaign: str, *, busy: Busy | None = None) -> str | None:
    """Why the campaign's key cannot act now (shown beside the footer), or None when it can."""
    if state.running is not None:
        return "a campaign is running"
    if busy is not None:
        return busy.why
    if state.breaker.is_open:
        return "the breaker is open"
    if not state.working_hours:
        return "outside working hours"
    if quota_spent(state, campaign):
        return f"the {_action(campaign).replace('_', ' ')} quota is spent"
    return None
