"""The long-running engine: health sidecar, metrics and the daily schedule in one process.

`linkpilot serve` runs it headless; the console runs the same pieces beside its screens.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy import text

from linkpilot.common.settings import Settings
from linkpilot.engine.breaker import BreakerState
from linkpilot.engine.campaigns.registry import create_campaign
from linkpilot.engine.campaigns.runner import run_campaign
from linkpilot.engine.campaigns.summary import RunSummary
from linkpilot.engine.events import BreakerChanged, CampaignFinished, Event, EventBus, QuotaChanged
from linkpilot.engine.health.metrics import Metrics
from linkpilot.engine.health.server import CheckResult, HealthSidecar
from linkpilot.engine.heap import freeze_startup_objects
from linkpilot.engine.notify import notifying
from linkpilot.engine.runtime import Runtime, open_runtime
from linkpilot.engine.schedule import Scheduler
from linkpilot.engine.session.store import NoSession, SessionStore

log = logging.getLogger(__name__)

ACTION_OF = {"birthday": "message", "sourcing": "profile_visit", "invitations": "invitation_withdrawal"}


def metrics_from_events(metrics: Metrics) -> Callable[[Event], None]:
    """Keep the Prometheus figures up to date from the engine's own events: counts only."""

    def on_event(event: Event) -> None:
        if isinstance(event, CampaignFinished):
            counts = event.summary.get("counts", {})
            action = ACTION_OF.get(event.campaign, event.campaign)
            for outcome in ("sent", "failed", "unknown"):
                if counts.get(outcome):
                    metrics.inc(
                        "actions_total",
                        "Actions by kind and outcome",
                        {"action": action, "outcome": outcome},
                        by=counts[outcome],
                    )
            for reason, n in counts.get("skipped", {}).items():
                metrics.inc(
                    "skipped_total", "People skipped, by reason", {"action": action, "reason": reason}, by=n
                )
            metrics.inc(
                "runs_total",
                "Campaign runs by how they stopped",
                {"campaign": event.campaign, "stopped": event.summary["stopped"]["reason"]},
            )
        elif isinstance(event, QuotaChanged):
            for action, gauge in event.gauges.items():
                for key, value in gauge.items():
                    window, _, kind = key.partition("_")
                    metrics.set(
                        f"quota_{kind}",
                        f"Quota {kind} per action and window",
                        value,
                        {"action": action, "window": window},
                    )
        elif isinstance(event, BreakerChanged):
            for state in BreakerState:
                metrics.set(
                    "breaker_state",
                    "1 for the breaker's current state",
                    float(event.state == state.value),
                    {"state": state.value},
                )

    return on_event


def readiness_checks(rt: Runtime, sidecar: HealthSidecar) -> None:
    async def storage() -> CheckResult:
        async with rt.db.session() as session:
            await session.execute(text("SELECT 1"))
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


async def serve(settings: Settings, stop: asyncio.Event, *, bus: EventBus | None = None) -> None:
    events = bus or EventBus()
    sidecar = HealthSidecar()
    events.subscribe(metrics_from_events(sidecar.metrics))
    async with (
        open_runtime(settings, bus=events) as rt,
        notifying(rt) as notifier,
    ):
        readiness_checks(rt, sidecar)
        port = await sidecar.start(settings.health_host, settings.health_port)
        log.info("health sidecar on %s:%s", settings.health_host, port)
        await rt.publish_quota()
        log.info("start-up objects frozen: %d", freeze_startup_objects())

        async def start(name: str, dry_run: bool) -> RunSummary:
            try:
                return await run_campaign(rt, create_campaign(name, rt), dry_run=dry_run)
            except Exception as exc:
                if notifier is not None:
                    await notifier.run_raised(name, exc)
                raise

        scheduler = Scheduler(settings, rt.db, start, rt.clock, rt.rng)
        task = asyncio.create_task(scheduler.run())
        watch = asyncio.create_task(notifier.watch(stop)) if notifier is not None else None
        try:
            await stop.wait()
        finally:
            scheduler.stop()
            # A campaign in the middle of a person is cancelled: the runner records how far it got.
            for running in (task, watch):
                if running is not None and not running.done():
                    running.cancel()
            await asyncio.gather(*(t for t in (task, watch) if t is not None), return_exceptions=True)
            await sidecar.stop()
