"""The long-running engine: one service that `linkpilot serve` runs headless and the console
runs beside its screens.

It owns the runtime, the daily schedule, the health sidecar and a once-a-minute tick, runs
one campaign at a time under the operator's hand (pause, resume, stop), and publishes every
fact a screen shows as an event on the bus: quota, breaker, session, activity, schedule,
runs, and what time alone changes (the local date, working hours). A subscriber that joins
late folds `current()` first: the latest event of each kind, so it starts where the others are.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import Literal

from linkpilot.common.clock import Clock, local_date, utc_now
from linkpilot.common.settings import Settings
from linkpilot.engine.activity import publish_activity
from linkpilot.engine.breaker import BreakerState
from linkpilot.engine.campaigns.confirmed import rechecked
from linkpilot.engine.campaigns.registry import CAMPAIGNS, create_campaign
from linkpilot.engine.campaigns.runner import STOP_GRACE_S, RunControl, finish_within, run_campaign
from linkpilot.engine.campaigns.summary import RunSummary, StopReason
from linkpilot.engine.events import (
    ActivityChanged,
    BreakerChanged,
    CampaignFinished,
    CampaignStarted,
    ClockChecked,
    Event,
    EventBus,
    Progress,
    QuotaChanged,
    RunPaused,
    ScheduleChanged,
    ScheduledRun,
    SessionChanged,
    Tick,
)
from linkpilot.engine.health.metrics import Metrics
from linkpilot.engine.health.server import CheckResult, HealthSidecar
from linkpilot.engine.heap import freeze_startup_objects
from linkpilot.engine.login import Done, LoginFlow, LoginTimeouts, close_breaker_after_login
from linkpilot.engine.login.keyring import SavedLogin, load_saved_login, save_login
from linkpilot.engine.notify import Notifier, NotifyStatus, notifying
from linkpilot.engine.pacing import wait_until
from linkpilot.engine.quota.working_hours import WorkingTime
from linkpilot.engine.runtime import Runtime, breaker_changed, open_runtime
from linkpilot.engine.schedule import Scheduler
from linkpilot.engine.session.check import check_session
from linkpilot.engine.session.store import NoSession, SessionStore

log = logging.getLogger(__name__)

# Facts a late subscriber needs, one (the latest) of each kind.
FACTS = (
    QuotaChanged,
    BreakerChanged,
    SessionChanged,
    ActivityChanged,
    ScheduleChanged,
    Tick,
    ClockChecked,
    NotifyStatus,
)
# The run under way, if any: dropped when it finishes.
RUN_EVENTS = (CampaignStarted, Progress, RunPaused)
# A plan that got this far read the site with the stored session: the session works.
SESSION_PROVEN = frozenset(
    {StopReason.COMPLETED, StopReason.NOTHING_TO_DO, StopReason.QUOTA, StopReason.OUTSIDE_WORKING_HOURS}
)


class EngineService:
    """The engine as its two front ends drive it. Every coroutine may raise; callers report it."""

    def __init__(
        self,
        rt: Runtime,
        *,
        scheduled: bool = True,
        login_timeouts: LoginTimeouts | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.rt = rt
        self.login_timeouts = login_timeouts
        # Tells the owner when a run stops or raises (None: no channel configured).
        self.notifier = notifier
        self.scheduler = (
            Scheduler(rt.settings, rt.db, self._scheduled, rt.clock, rt.rng) if scheduled else None
        )
        self._facts: dict[type[Event], Event] = {}
        self._run: list[Event] = []
        self._control: RunControl | None = None
        self._task: asyncio.Task[RunSummary] | None = None
        self._stop = asyncio.Event()
        self._background: list[asyncio.Task[None]] = []
        # The latest plan of each campaign, reused while its reading of the site is fresh
        # (`campaigns.confirmed`), and the readings under way, shared by whoever asks meanwhile.
        self._plans: dict[str, RunSummary] = {}
        self._planning: dict[str, asyncio.Task[RunSummary]] = {}
        # Runs started: a plan read while one began may not be kept (the run changes what it says).
        self._runs = 0
        self._logins: list[LoginFlow] = []
        rt.bus.subscribe(self._remember)

    @property
    def bus(self) -> EventBus:
        return self.rt.bus

    @property
    def settings(self) -> Settings:
        return self.rt.settings

    # What every screen shows ---------------------------------------------------------------

    def current(self) -> tuple[Event, ...]:
        """The latest fact of each kind, then the run under way: fold these to catch up."""
        return (*self._facts.values(), *self._run)

    def _remember(self, event: Event) -> None:
        if isinstance(event, FACTS):
            self._facts[type(event)] = event
        elif isinstance(event, CampaignStarted):
            self._run = [event]
        elif isinstance(event, RUN_EVENTS):
            self._run = [*(e for e in self._run if type(e) is not type(event)), event]
        elif isinstance(event, CampaignFinished):
            self._run = []

    async def refresh(self) -> None:
        """Publish every fact anew from storage (at start, and whenever the console asks)."""
        await self.rt.publish_quota()
        self.bus.publish(breaker_changed(await self.rt.breaker.state(), self.rt.clock()))
        self.bus.publish(self._stored_session())
        if self.notifier is not None:
            await self.notifier.publish_status()
        await self.tick()

    async def tick(self) -> None:
        """What time changes: today's date, working hours, the next runs, and with the date the
        daily gauges and the activity (read again each minute: another process may have acted)."""
        now = self.rt.clock()
        next_runs: tuple[ScheduledRun, ...] = ()
        if self.scheduler is not None:
            next_runs = tuple(ScheduledRun(s.campaign, s.at) for s in await self.scheduler.plan())
        last = self._facts.get(ScheduleChanged)
        if not isinstance(last, ScheduleChanged) or last.next_runs != next_runs:
            self.bus.publish(ScheduleChanged(next_runs=next_runs, at=now))
        await self.rt.publish_quota()
        await publish_activity(self.rt)
        self.bus.publish(
            Tick(
                # From the same reading as `at` and the working hours: the awaits above may
                # have crossed midnight.
                today=local_date(now, self.settings.zone),
                working_hours=WorkingTime.of(self.settings).contains(now),
                next_runs=next_runs,
                at=now,
            )
        )

    def _stored_session(self) -> SessionChanged:
        try:
            status = SessionStore(self.settings).load().status(self.rt.clock())
        except NoSession:
            return SessionChanged(status="missing", at=self.rt.clock())
        return SessionChanged(
            status=status.state,
            expires_at=status.expires_at,
            checked_at=status.checked_at,
            at=self.rt.clock(),
        )

    # Campaigns ---------------------------------------------------------------------------

    async def plan(self, campaign: str, *, reread: bool = False) -> RunSummary:
        """Who the campaign would act on and why, with the exact texts. Acts on nothing, spends
        nothing, and keeps its own lines off the bus (a plan is a dry run nobody watches).

        The latest plan is reused, checked again in storage, while its reading of the site is
        fresh (unless `reread`); a reading already under way is waited for, not started twice."""
        kept = self._plans.get(campaign)
        if not reread and campaign not in self._planning and kept is not None:
            again = await rechecked(self.rt, create_campaign(campaign, self.rt), kept)
            if again is not None:
                self._plans[campaign] = again
                return again
        reading = self._planning.get(campaign)
        if reading is None:
            reading = asyncio.create_task(self._read_plan(campaign))
            self._planning[campaign] = reading
            reading.add_done_callback(partial(self._plan_read, campaign))
        # Shielded: a caller that gives up (the console quitting) does not cut the reading short
        # for the others waiting on it; close() ends it.
        return await asyncio.shield(reading)

    def _plan_read(self, campaign: str, reading: asyncio.Task[RunSummary]) -> None:
        if self._planning.get(campaign) is reading:
            del self._planning[campaign]
        if not reading.cancelled():
            reading.exception()  # retrieved: whoever awaited it has it; nobody may have

    async def _read_plan(self, campaign: str) -> RunSummary:
        runs = self._runs
        quiet = self.rt.quiet()
        summary = await run_campaign(quiet, create_campaign(campaign, quiet), dry_run=True)
        if runs == self._runs:
            self._plans[campaign] = summary
        if summary.stop in SESSION_PROVEN:
            # The plan read the site with the stored session: say the session works, and since when.
            stored = self._stored_session()
            self.bus.publish(replace(stored, status="valid", checked_at=self.rt.clock()))
        elif summary.stop is StopReason.NO_SESSION:
            self.bus.publish(self._stored_session())
        return summary

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self, campaign: str, *, dry_run: bool, plan: object | None = None) -> None:
        """Run the campaign to its end (CampaignStarted ... CampaignFinished on the bus).

        `plan`: the plan the operator confirmed, as `plan()` returned it. When it is this
        service's latest plan of that campaign and still fresh, the run acts on those people,
        checked again, instead of reading the site for a new plan."""
        if self.running:
            raise RuntimeError("a campaign is already running")
        kept = self._plans.get(campaign)
        confirmed = kept if plan is not None and plan is kept else None
        self._runs += 1
        self._plans.clear()
        self._control = RunControl()
        self._task = asyncio.create_task(
            run_campaign(
                self.rt,
                create_campaign(campaign, self.rt),
                dry_run=dry_run,
                control=self._control,
                confirmed=confirmed,
            )
        )
        try:
            await self._task
        finally:
            self._control = None
            await self.tick()

    async def _scheduled(self, campaign: str, dry_run: bool) -> None:
        log.info("scheduled %s run starting%s", campaign, " (dry run)" if dry_run else "")
        try:
            await self.start(campaign, dry_run=dry_run)
        except Exception as exc:
            # Raised before it could report how it stopped: the owner hears of it all the same.
            if self.notifier is not None:
                await self.notifier.run_raised(campaign, exc)
            raise

    def pause(self) -> None:
        """Finish the current person, then wait (RunPaused follows)."""
        self._set_paused(True)

    def resume(self) -> None:
        self._set_paused(False)

    def _set_paused(self, paused: bool) -> None:
        control = self._control
        started = next((e for e in self._run if isinstance(e, CampaignStarted)), None)
        if control is None or started is None:
            return
        if paused:
            control.pause()
        else:
            control.resume()
        self.bus.publish(
            RunPaused(campaign=started.campaign, run_id=started.run_id, paused=paused, at=self.rt.clock())
        )

    def stop(self) -> None:
        """End the run after the current person (CampaignFinished follows)."""
        if self._control is not None:
            self._control.stop()

    async def reset_breaker(self) -> None:
        # The breaker's own on_change publishes BreakerChanged.
        await self.rt.breaker.reset()

    # Signing in ----------------------------------------------------------------------------

    def open_login(self) -> LoginFlow:
        # Its own browser profile: a sign-in does not wait for a campaign's browser.
        flow = LoginFlow(self.settings, timeouts=self.login_timeouts)
        # Closed again when the engine closes: a sign-in abandoned while its browser was still
        # starting gets that browser only after the screen's own close came and went.
        self._logins.append(flow)
        return flow

    def saved_login(self) -> SavedLogin | None:
        return load_saved_login(self.settings)

    def save_login(self, email: str, password: str) -> None:
        save_login(self.settings, email, password)

    async def check_login(self, done: Done) -> Done:
        # The campaigns' profile: the same check as `session status --check`, one browser at a time.
        async with self.rt.browser_lock:
            status = await check_session(self.settings)
        self.bus.publish(
            SessionChanged(
                status=status.state,
                expires_at=status.expires_at,
                checked_at=self.rt.clock(),
                at=self.rt.clock(),
            )
        )
        return replace(done, status=status)

    async def close_breaker_after_login(self, done: Done) -> bool:
        # The breaker's own on_change publishes BreakerChanged.
        return await close_breaker_after_login(self.rt.breaker, done) is not None

    # Running -------------------------------------------------------------------------------

    def begin(self) -> None:
        """Start the schedule and the minute tick on this loop."""
        self._background.append(asyncio.create_task(self._ticking()))
        if self.scheduler is not None:
            self._background.append(asyncio.create_task(self.scheduler.run()))
        if self.notifier is not None:
            self._background.append(asyncio.create_task(self.notifier.watch(self._stop)))

    async def _ticking(self) -> None:
        while not self._stop.is_set():
            now = self.rt.clock()
            next_minute = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
            if not await wait_until(next_minute, self.rt.clock, self._stop, step_s=60.0):
                return
            try:
                await self.tick()
            except Exception:
                # A locked database for a minute must not end the ticks of the weeks after it.
                log.exception("the minute tick failed")

    async def close(self, grace_s: float = STOP_GRACE_S) -> None:
        """Stop the schedule and the ticks; the run under way ends after its current person
        (cancelled after `grace_s`: the runner records how far it got)."""
        self._stop.set()
        if self.scheduler is not None:
            self.scheduler.stop()
        self.stop()
        if self._task is not None:
            await finish_within(self._task, grace_s)
        readings = list(self._planning.values())
        for task in (*self._background, *readings):
            task.cancel()
        await asyncio.gather(*self._background, *readings, return_exceptions=True)
        self._background.clear()
        logins, self._logins = self._logins, []
        for flow in logins:
            try:
                await flow.close()
            except Exception:
                log.exception("closing a sign-in's browser failed")


def metrics_from_events(metrics: Metrics) -> Callable[[Event], None]:
    """Keep the Prometheus figures up to date from the engine's own events: counts only."""

    def on_event(event: Event) -> None:
        if isinstance(event, CampaignFinished):
            counts = event.summary.get("counts", {})
            entry = CAMPAIGNS.get(event.campaign)
            action = entry.action.value if entry is not None else event.campaign
            for outcome in ("sent", "failed", "unknown"):
                if counts.get(outcome):
                    metrics.actions.labels(action=action, outcome=outcome).inc(counts[outcome])
            for reason, n in counts.get("skipped", {}).items():
                metrics.skipped.labels(action=action, reason=reason).inc(n)
            metrics.runs.labels(campaign=event.campaign, stopped=event.summary["stopped"]["reason"]).inc()
        elif isinstance(event, QuotaChanged):
            for action, gauge in event.gauges.items():
                for key, value in gauge.items():
                    window, _, kind = key.partition("_")
                    family = metrics.quota_used if kind == "used" else metrics.quota_limit
                    family.labels(action=action, window=window).set(value)
        elif isinstance(event, BreakerChanged):
            for state in BreakerState:
                metrics.breaker_state.labels(state=state.value).set(float(event.state == state.value))

    return on_event


def readiness_checks(rt: Runtime, sidecar: HealthSidecar) -> None:
    async def storage() -> CheckResult:
        await rt.db.ping()
        return CheckResult(True, "ok")

    async def ledger() -> CheckResult:
        snapshot = await rt.ledger.snapshot()
        degraded = getattr(rt.ledger, "degraded_since", None) is not None
        # Fallen back to storage is still safe (never more than the limits), so still ready.
        return CheckResult(True, "fallen_back" if degraded else "ok", {"backend": snapshot.backend})

    async def breaker() -> CheckResult:
        state = await rt.breaker.state()
        return CheckResult(state.state is not BreakerState.OPEN, state.state.value, {"hard": state.hard})

    async def session() -> CheckResult:
        try:
            status = SessionStore(rt.settings).load().status()
        except NoSession:
            return CheckResult(False, "missing")
        return CheckResult(status.state != "expired", status.state)

    async def browser() -> CheckResult:
        # The browser lives only while a campaign runs; between runs there is nothing to check.
        return CheckResult(True, "idle")

    async def clock() -> CheckResult:
        # Read by the clock guard whenever a run starts or acts: none yet means nothing to say.
        reading = rt.clock_reading
        if reading is None:
            return CheckResult(True, "unchecked")
        tolerance = rt.settings.clock.tolerance
        ok = reading.within(tolerance)
        detail = {
            "skew_s": round(reading.skew.total_seconds(), 1),
            "tolerance_s": tolerance.total_seconds(),
            "checked_at": reading.ours.isoformat(),
        }
        return CheckResult(ok, "ok" if ok else "clock_skew", detail)

    for name, check in (
        ("storage", storage),
        ("ledger", ledger),
        ("breaker", breaker),
        ("session", session),
        ("browser", browser),
        ("clock", clock),
    ):
        sidecar.add_check(name, check)


Health = Literal["required", "optional", "off"]


@asynccontextmanager
async def open_service(
    settings: Settings,
    *,
    bus: EventBus | None = None,
    health: Health = "required",
    clock: Clock = utc_now,
    login_timeouts: LoginTimeouts | None = None,
    stop_grace_s: float = STOP_GRACE_S,
) -> AsyncIterator[EngineService]:
    """The engine running: runtime, health sidecar, schedule and ticks, every fact published.

    health="optional" (the console): a port already taken (a `serve` on the same box) is
    logged and the engine runs without its sidecar; "required" (`serve`) lets the error out.
    """
    events = bus or EventBus(clock=clock)
    sidecar = HealthSidecar()
    events.subscribe(metrics_from_events(sidecar.metrics))
    async with open_runtime(settings, bus=events, clock=clock) as rt, notifying(rt) as notifier:
        started = False
        if health != "off":
            readiness_checks(rt, sidecar)
            try:
                port = await sidecar.start(settings.health_host, settings.health_port)
                started = True
                log.info("health sidecar on %s:%s", settings.health_host, port)
            except OSError as exc:
                if health == "required":
                    raise
                log.warning(
                    "health sidecar not started on %s:%s: %s", settings.health_host, settings.health_port, exc
                )
        service = EngineService(rt, login_timeouts=login_timeouts, notifier=notifier)
        try:
            await service.refresh()
            log.info("start-up objects frozen: %d", freeze_startup_objects())
            service.begin()
            yield service
        finally:
            await service.close(stop_grace_s)
            if started:
                await sidecar.stop()


async def serve(settings: Settings, stop: asyncio.Event, *, bus: EventBus | None = None) -> None:
    """`linkpilot serve`: the schedule and the health sidecar, headless, until `stop` is set.

    A campaign in the middle of a person when `stop` comes is told to stop between two people
    and cut off after the grace (a container gets a few seconds after SIGTERM): the runner
    records how far it got."""
    async with open_service(settings, bus=bus):
        await stop.wait()
