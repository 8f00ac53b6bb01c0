"""The engine facade `linkpilot console` uses until the campaign runner is wired in.

It shows the real quota ledger and breaker, resets the breaker for real, and says plainly
that campaigns cannot start from here yet. It publishes on its own bus exactly what the
runner's facade will publish for the same acts.
"""

from __future__ import annotations

from dataclasses import dataclass

from linkpilot.common.clock import Clock, utc_now
from linkpilot.common.errors import LinkPilotError
from linkpilot.common.settings import Settings
from linkpilot.console.facade import BreakerView, CampaignPlan, EngineSnapshot, LoginSession, SessionView
from linkpilot.engine.breaker import BreakerSnapshot, CircuitBreaker, create_breaker
from linkpilot.engine.events import BreakerChanged, EventBus
from linkpilot.engine.login.keyring import SavedLogin
from linkpilot.engine.login.steps import Done
from linkpilot.engine.quota.contract import QuotaLedger
from linkpilot.engine.quota.factory import create_ledger
from linkpilot.engine.quota.windows import in_working_hours
from linkpilot.storage.database import Database

LOGIN_NOT_WIRED = "signing in from the console needs the engine: run `linkpilot login` instead"
NOT_WIRED = "campaigns cannot start from the console in this build: the campaign runner is not connected yet"


def breaker_view(snap: BreakerSnapshot) -> BreakerView:
    return BreakerView(snap.state.value, snap.reason, snap.hard, snap.since, snap.retry_at)


def within_working_hours(settings: Settings, clock: Clock) -> bool:
    return in_working_hours(clock(), settings.working_hours, settings.zone)


@dataclass
class StandbyFacade:
    bus: EventBus
    ledger: QuotaLedger
    breaker: CircuitBreaker
    clock: Clock
    _snapshot: EngineSnapshot

    @classmethod
    async def open(cls, settings: Settings, db: Database, clock: Clock = utc_now) -> StandbyFacade:
        ledger = create_ledger(settings, db, clock)
        breaker = create_breaker(settings, db, clock)
        quota = await ledger.snapshot()
        state = await breaker.state()
        snapshot = EngineSnapshot(
            gauges=quota.gauges(),
            breaker=breaker_view(state),
            session=SessionView("unknown"),
            working_hours=within_working_hours(settings, clock),
        )
        return cls(EventBus(), ledger, breaker, clock, snapshot)

    def snapshot(self) -> EngineSnapshot:
        return self._snapshot

    async def plan(self, campaign: str) -> CampaignPlan:
        raise LinkPilotError(NOT_WIRED)

    async def start(self, campaign: str, *, dry_run: bool) -> None:
        raise LinkPilotError(NOT_WIRED)

    def pause(self) -> None:
        raise LinkPilotError(NOT_WIRED)

    def resume(self) -> None:
        raise LinkPilotError(NOT_WIRED)

    def stop(self) -> None:
        raise LinkPilotError(NOT_WIRED)

    async def reset_breaker(self) -> None:
        snap = await self.breaker.reset()
        self.bus.publish(
            BreakerChanged(state=snap.state.value, reason=snap.reason, hard=snap.hard, at=self.clock())
        )

    def open_login(self) -> LoginSession:
        raise LinkPilotError(LOGIN_NOT_WIRED)

    def saved_login(self) -> SavedLogin | None:
        return None

    def save_login(self, email: str, password: str) -> None:
        raise LinkPilotError(LOGIN_NOT_WIRED)

    async def check_login(self, done: Done) -> Done:
        raise LinkPilotError(LOGIN_NOT_WIRED)

    async def close_breaker_after_login(self, done: Done) -> bool:
        raise LinkPilotError(LOGIN_NOT_WIRED)

    async def close(self) -> None:
        await self.ledger.close()
        await self.breaker.close()
