"""A fake engine at the console's edge: it posts the same events the real runner publishes.

This is the only stand-in in these tests (the memray pattern): storage is a real SQLite file.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from linkpilot.console.facade import BreakerView, EngineSnapshot, ScheduledRun, SessionView
from linkpilot.engine.campaigns.summary import PlanItem, RunSummary, Skip
from linkpilot.engine.events import (
    BreakerChanged,
    CampaignFinished,
    CampaignStarted,
    EventBus,
    LogLine,
    Progress,
    QuotaChanged,
)

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)

GAUGES = {
    "message": {"day_used": 3, "day_limit": 15, "week_used": 41, "week_limit": 100},
    "profile_visit": {"day_used": 12, "day_limit": 80, "week_used": 150, "week_limit": 400},
    "invitation_withdrawal": {"day_used": 0, "day_limit": 30, "week_used": 20, "week_limit": 100},
}


def birthday_plan() -> RunSummary:
    return RunSummary(
        campaign="birthday",
        dry_run=True,
        planned=[
            PlanItem(
                "ana-lima", "Ana Lima", "message", "birthday today", "Happy birthday Ana!", "today.en.warm"
            ),
            PlanItem(
                "jean-dupont",
                "Jean Dupont",
                "message",
                "birthday 2 days ago",
                "Joyeux anniversaire Jean, avec un peu de retard !",
                "late.fr.classic",
                days_late=2,
            ),
            PlanItem(
                "bob-smith", "Bob Smith", "message", "birthday today", "Happy birthday Bob!", "today.en.short"
            ),
        ],
        skipped=[Skip("zoe-amadou", "Zoé Amadou", "already_wished"), Skip(None, "Eve Noir", "blacklisted")],
    )


def idle_snapshot() -> EngineSnapshot:
    return EngineSnapshot(
        gauges=GAUGES,
        breaker=BreakerView(),
        session=SessionView("valid", NOW + timedelta(days=41)),
        activity=[(n * 7) % 11 for n in range(30)],
        next_runs=[
            ScheduledRun("birthday", NOW + timedelta(hours=1)),
            ScheduledRun("sourcing", NOW + timedelta(hours=5)),
        ],
    )


class FakeFacade:
    """Records what the console asked for; `start` publishes a run and waits for `release`."""

    def __init__(self, snapshot: EngineSnapshot | None = None) -> None:
        self.bus = EventBus()
        self._snapshot = snapshot or idle_snapshot()
        self.calls: list[tuple[str, object]] = []
        self.plans: dict[str, RunSummary] = {"birthday": birthday_plan()}
        self.release = asyncio.Event()
        self.progress_steps = 1
        self.plan_error: Exception | None = None
        self.start_error: Exception | None = None

    def snapshot(self) -> EngineSnapshot:
        return self._snapshot

    async def plan(self, campaign: str) -> RunSummary:
        self.calls.append(("plan", campaign))
        if self.plan_error is not None:
            raise self.plan_error
        return self.plans.get(campaign) or RunSummary(campaign=campaign, dry_run=True)

    async def start(self, campaign: str, *, dry_run: bool) -> None:
        self.calls.append(("start", (campaign, dry_run)))
        if self.start_error is not None:
            raise self.start_error
        plan = self.plans.get(campaign) or RunSummary(campaign=campaign, dry_run=dry_run)
        total = len(plan.planned)
        self.bus.publish(CampaignStarted(campaign=campaign, run_id=7, dry_run=dry_run, planned=total, at=NOW))
        for done, item in enumerate(plan.planned[: self.progress_steps], start=1):
            self.bus.publish(LogLine(level="info", message=f"wished {item.name}", campaign=campaign, at=NOW))
            self.bus.publish(
                Progress(campaign=campaign, run_id=7, done=done, total=total, current=item.name, at=NOW)
            )
        gauges = {**GAUGES, "message": {**GAUGES["message"], "day_used": 4}}
        self.bus.publish(QuotaChanged(gauges=gauges, at=NOW))
        await self.release.wait()
        summary = RunSummary(campaign=campaign, dry_run=dry_run, run_id=7, planned=list(plan.planned))
        summary.count("sent")
        self.bus.publish(CampaignFinished(campaign=campaign, run_id=7, summary=summary.to_json(), at=NOW))

    def pause(self) -> None:
        self.calls.append(("pause", None))

    def resume(self) -> None:
        self.calls.append(("resume", None))

    def stop(self) -> None:
        self.calls.append(("stop", None))
        self.release.set()

    async def reset_breaker(self) -> None:
        self.calls.append(("reset_breaker", None))
        self.bus.publish(BreakerChanged(state="closed", reason=None, hard=False, at=NOW))


def breaker_open_event() -> BreakerChanged:
    return BreakerChanged(
        state="open", reason="checkpoint page after send", hard=True, at=NOW - timedelta(minutes=42)
    )
