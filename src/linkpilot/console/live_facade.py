"""The real engine behind the console's `EngineFacade`: the runtime, the runner, the schedule.

It keeps one `EngineSnapshot` current from the engine's own events, so `snapshot()` never
touches storage from the UI's thread of control.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from linkpilot.console.facade import (
    BreakerView,
    CampaignPlan,
    EngineSnapshot,
    LoginSession,
    RunningView,
    ScheduledRun,
    SessionView,
)
from linkpilot.console.standby import breaker_view
from linkpilot.engine.campaigns.registry import create_campaign
from linkpilot.engine.campaigns.runner import RunControl, run_campaign
from linkpilot.engine.campaigns.summary import RunSummary
from linkpilot.engine.events import (
    BreakerChanged,
    CampaignFinished,
    CampaignStarted,
    Event,
    EventBus,
    Progress,
    QuotaChanged,
    SessionChanged,
)
from linkpilot.engine.login import Done, LoginFlow, LoginTimeouts, close_breaker_after_login
from linkpilot.engine.login.keyring import SavedLogin, load_saved_login, save_login
from linkpilot.engine.notify.status import NotifyStatus
from linkpilot.engine.quota.windows import in_working_hours
from linkpilot.engine.runtime import Runtime
from linkpilot.engine.schedule import Scheduler
from linkpilot.engine.session.check import check_session
from linkpilot.engine.session.store import NoSession, SessionStore
from linkpilot.storage.models import Interaction, InteractionState

ACTIVITY_DAYS = 30


class LiveFacade:
    def __init__(
        self, rt: Runtime, scheduler: Scheduler | None = None, login_timeouts: LoginTimeouts | None = None
    ) -> None:
        self.rt = rt
        self.scheduler = scheduler
        self.login_timeouts = login_timeouts
        self._snapshot = EngineSnapshot()
        self._control: RunControl | None = None
        self._task: asyncio.Task[RunSummary] | None = None
        rt.bus.subscribe(self._follow)

    @property
    def bus(self) -> EventBus:
        return self.rt.bus

    # What the dashboard shows ------------------------------------------------------------

    def snapshot(self) -> EngineSnapshot:
        return replace(self._snapshot, working_hours=self._in_working_hours())

    async def refresh(self) -> EngineSnapshot:
        """Read everything once from storage (at start, and after a run)."""
        quota = await self.rt.ledger.snapshot()
        breaker = await self.rt.breaker.state()
        next_runs: tuple[ScheduledRun, ...] = ()
        if self.scheduler is not None:
            next_runs = tuple(ScheduledRun(s.campaign, s.at) for s in await self.scheduler.plan())
        self._snapshot = replace(
            self._snapshot,
            gauges=quota.gauges(),
            breaker=breaker_view(breaker),
            session=self._session(),
            activity=await self._activity(),
            next_runs=next_runs,
        )
        return self._snapshot

    def _session(self) -> SessionView:
        try:
            status = SessionStore(self.rt.settings).load().status()
        except NoSession:
            return SessionView("missing")
        return SessionView(status.state, status.expires_at)

    async def _activity(self) -> tuple[int, ...]:
        zone = self.rt.settings.zone
        today = self.rt.clock().astimezone(zone).date()
        since = self.rt.clock() - timedelta(days=ACTIVITY_DAYS + 1)
        async with self.rt.db.session() as session:
            rows = await session.execute(
                select(Interaction.sent_at).where(
                    Interaction.state == InteractionState.SENT.value, Interaction.sent_at >= since
                )
            )
            per_day = Counter(sent_at.astimezone(zone).date() for (sent_at,) in rows if sent_at is not None)
        return tuple(per_day.get(today - timedelta(days=n), 0) for n in range(ACTIVITY_DAYS - 1, -1, -1))

    def _in_working_hours(self) -> bool:
        return in_working_hours(self.rt.clock(), self.rt.settings.working_hours, self.rt.settings.zone)

    def _follow(self, event: Event) -> None:
        snap = self._snapshot
        if isinstance(event, QuotaChanged):
            snap = replace(snap, gauges=event.gauges)
        elif isinstance(event, BreakerChanged):
            since = snap.breaker.since if snap.breaker.state == event.state else event.at
            snap = replace(
                snap,
                breaker=BreakerView(
                    event.state,
                    event.reason,
                    event.hard,
                    None if event.state == "closed" else since,
                    event.retry_at,
                ),
            )
        elif isinstance(event, SessionChanged):
            snap = replace(snap, session=SessionView(event.status, event.expires_at))
        elif isinstance(event, CampaignStarted):
            snap = replace(
                snap, running=RunningView(event.campaign, event.run_id, event.dry_run, 0, event.planned)
            )
        elif isinstance(event, Progress) and snap.running is not None:
            snap = replace(
                snap, running=replace(snap.running, done=event.done, total=event.total, current=event.current)
            )
        elif isinstance(event, CampaignFinished):
            snap = replace(snap, running=None)
        elif isinstance(event, NotifyStatus):
            snap = replace(snap, notifications=event.channels)
        self._snapshot = snap

    # What the operator does --------------------------------------------------------------

    async def plan(self, campaign: str) -> CampaignPlan:
        # A plan is a dry run nobody asked to watch: its events stay off the console's bus.
        quiet = self.rt.quiet()
        return await run_campaign(quiet, create_campaign(campaign, quiet), dry_run=True)

    async def start(self, campaign: str, *, dry_run: bool) -> None:
        if self._task is not None and not self._task.done():
            raise RuntimeError("a campaign is already running")
        self._control = RunControl()
        self._task = asyncio.create_task(
            run_campaign(self.rt, create_campaign(campaign, self.rt), dry_run=dry_run, control=self._control)
        )
        try:
            await self._task
        finally:
            self._control = None
            await self.refresh()

    def pause(self) -> None:
        if self._control is not None:
            self._control.pause()
            self._mark_paused(True)

    def resume(self) -> None:
        if self._control is not None:
            self._control.resume()
            self._mark_paused(False)

    def _mark_paused(self, paused: bool) -> None:
        if self._snapshot.running is not None:
            self._snapshot = replace(self._snapshot, running=replace(self._snapshot.running, paused=paused))

    def stop(self) -> None:
        if self._control is not None:
            self._control.stop()

    async def reset_breaker(self) -> None:
        await self.rt.breaker.reset()

    # Signing in ----------------------------------------------------------------------------

    def open_login(self) -> LoginSession:
        # Its own browser profile: a sign-in does not wait for a campaign's browser.
        return LoginFlow(self.rt.settings, timeouts=self.login_timeouts)

    def saved_login(self) -> SavedLogin | None:
        return load_saved_login(self.rt.settings)

    def save_login(self, email: str, password: str) -> None:
        save_login(self.rt.settings, email, password)

    async def check_login(self, done: Done) -> Done:
        # The campaigns' profile: the same check as `session status --check`, one browser at a time.
        async with self.rt.browser_lock:
            status = await check_session(self.rt.settings)
        self.rt.bus.publish(SessionChanged(status=status.state, expires_at=status.expires_at))
        return replace(done, status=status)

    async def close_breaker_after_login(self, done: Done) -> bool:
        # The breaker's own on_change publishes BreakerChanged.
        return await close_breaker_after_login(self.rt.breaker, done) is not None

    async def shutdown(self) -> None:
        """SIGHUP/SIGTERM or quit: end the current step safely, then the run."""
        self.stop()
        if self._task is not None and not self._task.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._task), timeout=60)
