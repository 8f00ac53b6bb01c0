"""A fake engine at the console's edge: it posts the same events the real runner publishes.

This is the only stand-in in these tests (the memray pattern): storage is a real SQLite file.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from linkpilot.common.clock import FrozenClock
from linkpilot.console.facade import CampaignPlan
from linkpilot.engine.campaigns.summary import PlanItem, RunSummary, Skip
from linkpilot.engine.events import (
    ActivityChanged,
    BreakerChanged,
    CampaignStarted,
    Event,
    EventBus,
    LogLine,
    Progress,
    QuotaChanged,
    RunPaused,
    ScheduleChanged,
    ScheduledRun,
    SessionChanged,
    Tick,
)
from linkpilot.engine.login.keyring import SavedLogin
from linkpilot.engine.login.steps import (
    Answer,
    Done,
    FormField,
    NeedPin,
    Step,
    WaitingForApproval,
)

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Paris")

GAUGES = {
    "message": {"day_used": 3, "day_limit": 15, "week_used": 41, "week_limit": 100},
    "profile_visit": {"day_used": 12, "day_limit": 80, "week_used": 150, "week_limit": 400},
    "invitation_withdrawal": {"day_used": 0, "day_limit": 30, "week_used": 20, "week_limit": 100},
    # As `QuotaSnapshot.gauges()` publishes it: searches have a calendar month and nothing else.
    "search": {"month_used": 0, "month_limit": 300},
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


ACTIVITY = tuple((n * 7) % 11 for n in range(30))


def next_runs(at: datetime) -> tuple[ScheduledRun, ...]:
    """The schedule as the service plans it at `at`: birthday in an hour, sourcing in five."""
    return (
        ScheduledRun("birthday", at + timedelta(hours=1)),
        ScheduledRun("sourcing", at + timedelta(hours=5)),
    )


def tick(at: datetime, *, working_hours: bool = True) -> Tick:
    return Tick(today=at.astimezone(ZONE).date(), working_hours=working_hours, next_runs=next_runs(at), at=at)


def idle_facts(at: datetime = NOW, *, working_hours: bool = True) -> list[Event]:
    """What the engine service publishes when it starts, as `current()` hands it over."""
    return [
        QuotaChanged(gauges=GAUGES, at=at),
        BreakerChanged(state="closed", reason=None, hard=False, at=at),
        SessionChanged(status="valid", expires_at=NOW + timedelta(days=41), checked_at=at, at=at),
        ActivityChanged(per_day=ACTIVITY, at=at),
        ScheduleChanged(next_runs=next_runs(at), at=at),
        tick(at, working_hours=working_hours),
    ]


def page_png() -> bytes:
    """A fixed picture of a checkpoint page (header, heading, text, PIN box, button): no browser."""
    image = Image.new("RGB", (320, 200), (243, 242, 239))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 319, 24), fill=(10, 102, 194))
    draw.rectangle((40, 40, 280, 180), fill=(255, 255, 255), outline=(200, 200, 200))
    draw.rectangle((60, 55, 200, 68), fill=(30, 30, 30))
    for y in (80, 92):
        draw.rectangle((60, y, 260, y + 5), fill=(140, 140, 140))
    draw.rectangle((60, 110, 260, 130), fill=(255, 255, 255), outline=(90, 90, 90))
    draw.rounded_rectangle((60, 145, 150, 165), radius=8, fill=(10, 102, 194))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def pin_step(error: str | None = None) -> NeedPin:
    return NeedPin(
        channel="email",
        prompt="Check your email — We sent a verification code to your email. Enter it below to continue.",
        fields=(FormField("pin", "input__email_verification_pin", "text", "Verification code"),),
        error=error,
        attempts_left=5,
        can_try_another_way=True,
    )


class FakeLogin:
    """A sign-in that answers with the steps it was given, in order, and a fixed picture."""

    def __init__(self, steps: Sequence[Step], png: bytes) -> None:
        self.steps = list(steps)
        self.png = png
        self.answers: list[Answer] = []
        self.closed = False

    def _next(self) -> Step:
        return self.steps.pop(0)

    async def start(self, email: str, password: str) -> Step:
        return self._next()

    async def resume(self) -> Step:
        return self._next()

    async def answer(self, step: Step, value: Answer) -> Step:
        self.answers.append(value)
        return self._next()

    async def wait_for_approval(self, step: WaitingForApproval, stop: asyncio.Event | None = None) -> Step:
        if stop is not None:
            await stop.wait()
        return step

    async def screenshot(self) -> bytes:
        return self.png

    async def close(self) -> None:
        self.closed = True


class FakeFacade:
    """Records what the console asked for; `start` publishes a run and waits for `release`.

    Its clock is the tests' injected clock: `tick()` publishes what the engine service's minute
    tick publishes, at whatever time the test moved the clock to."""

    def __init__(self, facts: list[Event] | None = None, clock: FrozenClock | None = None) -> None:
        self.bus = EventBus()
        self.clock = clock or FrozenClock(NOW)
        self.facts = facts if facts is not None else idle_facts(self.clock())
        self.calls: list[tuple[str, object]] = []
        self.published: list[Event] = []
        self.bus.subscribe(self.published.append)
        self.plans: dict[str, RunSummary] = {"birthday": birthday_plan()}
        self.release = asyncio.Event()
        self.progress_steps = 1
        self.plan_error: Exception | None = None
        self.start_error: Exception | None = None
        # The plan each start was given (the one the operator confirmed, or None).
        self.confirmed: list[CampaignPlan | None] = []
        self.login_steps: list[Step] = [pin_step()]
        self.logins: list[FakeLogin] = []

    def current(self) -> list[Event]:
        return list(self.facts)

    def tick(self, *read: Event) -> None:
        """The minute tick at the clock's time, after the facts the service read with it."""
        for event in read:
            self.bus.publish(event)
        self.bus.publish(tick(self.clock()))

    async def plan(self, campaign: str, *, reread: bool = False) -> RunSummary:
        self.calls.append(("reread" if reread else "plan", campaign))
        if self.plan_error is not None:
            raise self.plan_error
        return self.plans.get(campaign) or RunSummary(campaign=campaign, dry_run=True)

    async def start(self, campaign: str, *, dry_run: bool, plan: CampaignPlan | None = None) -> None:
        self.calls.append(("start", (campaign, dry_run)))
        self.confirmed.append(plan)
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
        # One message spent, on top of what the engine last said.
        told = [*self.facts, *self.published]
        last = next((e.gauges for e in reversed(told) if isinstance(e, QuotaChanged)), GAUGES)
        message = last["message"]
        spent = {"day_used": message["day_used"] + 1, "week_used": message["week_used"] + 1}
        self.bus.publish(QuotaChanged(gauges={**last, "message": {**message, **spent}}, at=self.clock()))
        await self.release.wait()
        summary = RunSummary(campaign=campaign, dry_run=dry_run, run_id=7, planned=list(plan.planned))
        summary.count("sent")
        self.bus.publish(summary.finished(NOW))

    def pause(self) -> None:
        self.calls.append(("pause", None))
        self._paused(True)

    def resume(self) -> None:
        self.calls.append(("resume", None))
        self._paused(False)

    def _paused(self, paused: bool) -> None:
        # As the service: RunPaused for the run under way, whoever started it.
        started = next((e for e in reversed(self.published) if isinstance(e, CampaignStarted)), None)
        if started is not None:
            self.bus.publish(
                RunPaused(campaign=started.campaign, run_id=started.run_id, paused=paused, at=NOW)
            )

    def stop(self) -> None:
        self.calls.append(("stop", None))
        self.release.set()

    async def reset_breaker(self) -> None:
        self.calls.append(("reset_breaker", None))
        self.bus.publish(BreakerChanged(state="closed", reason=None, hard=False, at=NOW))

    def open_login(self) -> FakeLogin:
        login = FakeLogin(self.login_steps, page_png())
        self.logins.append(login)
        return login

    def saved_login(self) -> SavedLogin | None:
        return None

    def save_login(self, email: str, password: str) -> None:
        self.calls.append(("save_login", email))

    async def check_login(self, done: Done) -> Done:
        self.calls.append(("check_login", None))
        return done

    async def close_breaker_after_login(self, done: Done) -> bool:
        self.calls.append(("close_breaker_after_login", None))
        self.bus.publish(BreakerChanged(state="closed", reason=None, hard=False, at=NOW))
        return True


def breaker_open_event() -> BreakerChanged:
    return BreakerChanged(
        state="open",
        reason="checkpoint page after send",
        hard=True,
        since=NOW - timedelta(minutes=42),
        at=NOW - timedelta(minutes=42),
    )
