"""Everything a campaign runs with, built once from the settings and closed together."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from linkpilot.common.clock import Clock, local_date, utc_now
from linkpilot.common.settings import Settings
from linkpilot.engine.breaker import BreakerSnapshot, CircuitBreaker
from linkpilot.engine.browser.context import BrowserSession
from linkpilot.engine.clock_guard import ClockReading
from linkpilot.engine.events import BreakerChanged, EventBus, QuotaChanged
from linkpilot.engine.quota.contract import QuotaLedger
from linkpilot.engine.quota.factory import create_ledger
from linkpilot.engine.session.store import SessionStore
from linkpilot.engine.shared_redis import redis_client
from linkpilot.storage.database import Database
from linkpilot.storage.migrate import ensure_schema


@dataclass
class Runtime:
    settings: Settings
    db: Database
    ledger: QuotaLedger
    breaker: CircuitBreaker
    bus: EventBus
    clock: Clock = utc_now
    rng: random.Random = field(default_factory=random.Random)
    # One persistent Chromium profile, so one browser at a time: a plan asked for while a run
    # is going waits for it instead of failing on Chromium's profile lock.
    browser_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # A browser already started on the session, lent to each run instead of a new Chromium
    # per run (many short runs in a row, as the mutation suite makes). None: each run starts one.
    shared_browser: BrowserSession | None = None
    # The clock guard's latest reading (our clock against the site's), for /ready and the console.
    clock_reading: ClockReading | None = None

    @asynccontextmanager
    async def browser(self) -> AsyncIterator[BrowserSession]:
        """A browser on the stored session; NoSession (exit 5) when there is none usable."""
        if self.shared_browser is not None:
            async with self.browser_lock:
                yield self.shared_browser
            return
        async with self.browser_lock:
            store = SessionStore(self.settings)
            stored = store.load()
            async with BrowserSession(
                self.settings, cookies=list(stored.cookies), on_cookies=store.save_refreshed, clock=self.clock
            ) as browser:
                yield browser

    def today(self) -> date:
        """Today's date in the configured zone, by this runtime's clock."""
        return local_date(self.clock(), self.settings.zone)

    def quiet(self) -> Runtime:
        """The same engine with a private event bus: for plans the operator only looks at."""
        return replace(self, bus=EventBus(record=False, clock=self.clock))

    async def publish_quota(self) -> dict[str, object]:
        snapshot = await self.ledger.snapshot()
        self.bus.publish(QuotaChanged(gauges=snapshot.gauges(), at=self.clock()))
        return snapshot.as_dict()


def breaker_changed(snapshot: BreakerSnapshot, at: datetime) -> BreakerChanged:
    return BreakerChanged(
        at=at,
        state=snapshot.state.value,
        reason=snapshot.reason,
        hard=snapshot.hard,
        retry_at=snapshot.retry_at,
        since=snapshot.since,
    )


def _breaker_event(bus: EventBus) -> Callable[[BreakerSnapshot], None]:
    def changed(snapshot: BreakerSnapshot) -> None:
        bus.publish(breaker_changed(snapshot, bus.clock()))

    return changed


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    *,
    bus: EventBus | None = None,
    clock: Clock = utc_now,
    rng: random.Random | None = None,
) -> AsyncIterator[Runtime]:
    settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    ensure_schema(settings.effective_database_url)
    db = Database(settings.effective_database_url)
    events = bus or EventBus(clock=clock)
    redis = redis_client(settings.redis_url) if settings.redis_url else None
    breaker = CircuitBreaker(db, settings.breaker, clock, redis=redis, on_change=_breaker_event(events))
    ledger = create_ledger(settings, db, clock)
    try:
        yield Runtime(settings, db, ledger, breaker, events, clock, rng or random.Random())
    finally:
        await ledger.close()
        if redis is not None:
            await redis.aclose()
        await db.dispose()
