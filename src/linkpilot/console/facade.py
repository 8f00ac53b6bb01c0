"""What the console needs from the engine, and nothing more: the edge the UI is tested at.

The console never reaches into the ledger, the breaker or the runner. It reads one immutable
`EngineSnapshot` when it starts, then follows the engine's events on the `EventBus`; it acts
only through the few coroutines of `EngineFacade`. Tests drive the UI with a fake facade that
publishes the same events the real one does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from linkpilot.engine.campaigns.summary import PlanItem, Skip
from linkpilot.engine.events import EventBus
from linkpilot.engine.login.keyring import SavedLogin
from linkpilot.engine.login.steps import Answer, Done, Step, WaitingForApproval
from linkpilot.engine.notify.status import ChannelStatus

CAMPAIGNS: tuple[str, ...] = ("birthday", "sourcing", "invitations")

# The quota gauge each campaign spends; a spent gauge disables the campaign's key.
CAMPAIGN_ACTION: Mapping[str, str] = {
    "birthday": "message",
    "sourcing": "profile_visit",
    "invitations": "invitation_withdrawal",
}


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
class ScheduledRun:
    campaign: str
    at: datetime


@dataclass(frozen=True, slots=True)
class EngineSnapshot:
    """Everything the dashboard shows, as the engine sees it right now."""

    # action -> {"day_used", "day_limit", "week_used", "week_limit"} (QuotaChanged.gauges)
    gauges: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    breaker: BreakerView = BreakerView()
    session: SessionView = SessionView()
    running: RunningView | None = None
    # Actions done per day, oldest first, the last entry being today (30 entries).
    activity: Sequence[int] = ()
    next_runs: Sequence[ScheduledRun] = ()
    # False outside the configured working hours: campaigns cannot act then.
    working_hours: bool = True
    # The clock guard's latest reading: this box's clock minus the site's, and whether it passed.
    clock_skew_s: float | None = None
    clock_ok: bool = True
    # The notification channels, masked, each with its last delivery (NotifyStatus).
    notifications: Sequence[ChannelStatus] = ()


class CampaignPlan(Protocol):
    """What a campaign means to do, before it does it (RunSummary satisfies this)."""

    @property
    def campaign(self) -> str: ...

    @property
    def planned(self) -> Sequence[PlanItem]: ...

    @property
    def skipped(self) -> Sequence[Skip]: ...


class LoginSession(Protocol):
    """One sign-in, step by step (``engine.login.LoginFlow`` satisfies this): see docs/login.md."""

    async def start(self, email: str, password: str) -> Step: ...

    async def resume(self) -> Step:
        """Answer a checkpoint met while acting, with the stored session: no password."""
        ...

    async def answer(self, step: Step, value: Answer) -> Step: ...

    async def wait_for_approval(
        self, step: WaitingForApproval, stop: asyncio.Event | None = None
    ) -> Step: ...

    async def screenshot(self) -> bytes:
        """The page as the browser shows it (PNG)."""
        ...

    async def close(self) -> None: ...


class EngineFacade(Protocol):
    """The engine as the console drives it. Every coroutine may raise; the console reports it."""

    @property
    def bus(self) -> EventBus: ...

    def snapshot(self) -> EngineSnapshot: ...

    async def plan(self, campaign: str) -> CampaignPlan:
        """Who the campaign would act on and why, with the exact texts. Acts on nothing."""
        ...

    async def start(self, campaign: str, *, dry_run: bool) -> None:
        """Run the campaign to its end, publishing CampaignStarted, Progress, LogLine, QuotaChanged,
        BreakerChanged and CampaignFinished on the bus as it goes."""
        ...

    def pause(self) -> None:
        """Finish the current step, then wait (the runner publishes a LogLine saying so)."""
        ...

    def resume(self) -> None: ...

    def stop(self) -> None:
        """Finish or abandon the current step safely, then end the run (CampaignFinished follows)."""
        ...

    async def reset_breaker(self) -> None:
        """Close the breaker after the operator checked the account (BreakerChanged follows)."""
        ...

    def open_login(self) -> LoginSession:
        """A new sign-in, not started yet; the caller closes it."""
        ...

    def saved_login(self) -> SavedLogin | None:
        """The email and password kept in LinkPilot's encrypted keyring file, if the operator saved them."""
        ...

    def save_login(self, email: str, password: str) -> None: ...

    async def check_login(self, done: Done) -> Done:
        """Check the new session as `session status --check` does; SessionChanged follows."""
        ...

    async def close_breaker_after_login(self, done: Done) -> bool:
        """Close an open breaker if (and only if) ``done`` checked valid; BreakerChanged follows."""
        ...
