"""The notifier: follows the engine's events, opens and resolves causes, queues their messages.

It subscribes to the EventBus with a callback that only puts the event in a queue, so a
campaign never waits for it and nothing it does can fail a campaign; a task of its own turns
events into causes (storage) and the delivery worker sends them. Long-running processes
(`serve`, the console) also run `watch`, which checks the session and the breaker every hour
and sends the daily digest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from linkpilot.common.clock import Clock, local_date, utc_now
from linkpilot.common.settings import Settings
from linkpilot.engine.breaker import BreakerSnapshot, BreakerState, CircuitBreaker
from linkpilot.engine.events import BreakerChanged, CampaignFinished, Event, EventBus, SessionChanged
from linkpilot.engine.notify import causes
from linkpilot.engine.notify.causes import Cause
from linkpilot.engine.notify.channels import Target, parse_channels
from linkpilot.engine.notify.delivery import Deliverer
from linkpilot.engine.notify.digest import compose_digest
from linkpilot.engine.pacing import wait_until
from linkpilot.engine.quota.contract import QuotaLedger
from linkpilot.engine.runtime import Runtime
from linkpilot.engine.session.store import NoSession, SessionStore
from linkpilot.storage.database import Database
from linkpilot.storage.notifications import (
    OpenCause,
    Outgoing,
    last_message_at,
    open_cause,
    open_causes,
    prune,
    queue_message,
    resolve_cause,
)

log = logging.getLogger(__name__)

HEALTHY = frozenset({"completed", "nothing_to_do", "quota"})
FAILED = frozenset({"browser_failed", "failed"})
WATCH_EVERY = timedelta(hours=1)
# Sent messages are kept this long (the System screen's last delivery, the digest's last day).
KEEP_MESSAGES = timedelta(days=90)


class Notifier:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        bus: EventBus,
        targets: list[Target],
        *,
        clock: Clock = utc_now,
        breaker: CircuitBreaker | None = None,
        ledger: QuotaLedger | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.bus = bus
        self.targets = targets
        self.clock = clock
        self.breaker = breaker
        self.ledger = ledger
        self.deliverer = Deliverer(db, targets, settings.notify, bus, clock)
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        self._follower: asyncio.Task[None] | None = None
        self._delivery: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def zone(self) -> ZoneInfo:
        return self.settings.zone

    # Lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        await self._guarded(prune(self.db, self.clock() - KEEP_MESSAGES), "forgetting old messages")
        self._unsubscribe = self.bus.subscribe(self._on_event)
        self._follower = asyncio.create_task(self._follow(), name="notify-events")
        self._delivery = asyncio.create_task(self.deliverer.run(), name="notify-delivery")
        await self._guarded(self.reconcile(), "checking the breaker and the session")
        await self.deliverer.publish_status()

    async def close(self, wait_s: float | None = None) -> None:
        """Stop following; finish recording what happened; deliver for at most `wait_s`."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        budget = self.settings.notify.exit_wait_s if wait_s is None else wait_s
        loop = asyncio.get_running_loop()
        deadline = loop.time() + budget
        # Recording what happened is quick and never waits on a receiver: it always finishes.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.recorded(), timeout=max(budget, 5.0))
        if self._follower is not None:
            self._follower.cancel()
            await asyncio.gather(self._follower, return_exceptions=True)
        if self._delivery is not None:
            # The attempt in flight may finish within the budget; past it, it is abandoned and
            # its claim runs out, so another process tries it later (CLAIM_LEASE).
            self.deliverer.stop()
            try:
                await asyncio.wait_for(asyncio.shield(self._delivery), max(0.0, deadline - loop.time()))
            except TimeoutError:
                self._delivery.cancel()
                await asyncio.gather(self._delivery, return_exceptions=True)
        self._follower = self._delivery = None
        await self._guarded(self.deliverer.drain(deadline - loop.time()), "delivering before exit")

    async def recorded(self) -> None:
        """Returns once every event heard so far is recorded (its messages may still wait)."""
        await self._events.join()

    def _on_event(self, event: Event) -> None:
        # Called from the publisher's stack (a campaign): only ever a put, never a wait.
        if isinstance(event, (BreakerChanged, CampaignFinished, SessionChanged)):
            self._events.put_nowait(event)

    async def _follow(self) -> None:
        while True:
            event = await self._events.get()
            try:
                await self._guarded(self.handle(event), f"recording {type(event).__name__}")
            finally:
                self._events.task_done()

    async def _guarded(self, work: Any, what: str) -> None:
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception:
            # Notifications are a courtesy to the owner: their failure is logged, nothing more.
            log.exception("notifier: %s failed", what)

    # Causes ----------------------------------------------------------------------------------

    async def open(self, cause: Cause) -> bool:
        opened = await open_cause(
            self.db, cause.key, cause.kind, cause.opened(), [t.stored for t in self.targets], self.clock()
        )
        if opened:
            log.info("notify: %s (%s)", cause.title, cause.key)
            self.deliverer.wake.set()
        return opened

    async def resolve(self, key: str, how: str) -> bool:
        current = {c.key: c for c in await open_causes(self.db)}.get(key)
        if current is None:
            return False
        done = await resolve_cause(
            self.db,
            key,
            causes.resolved(key, current.title, how),
            [t.stored for t in self.targets],
            self.clock(),
        )
        if done:
            log.info("notify: resolved %s", key)
            self.deliverer.wake.set()
        return done

    async def send(self, message: Outgoing) -> None:
        await queue_message(self.db, message, [t.stored for t in self.targets], self.clock())
        self.deliverer.wake.set()

    async def publish_status(self) -> None:
        """The channels and their last deliveries, as a NotifyStatus event (for a late subscriber)."""
        await self.deliverer.publish_status()

    async def open_causes(self) -> list[OpenCause]:
        return await open_causes(self.db)

    async def handle(self, event: Event) -> None:
        if isinstance(event, BreakerChanged):
            await self._breaker(event)
        elif isinstance(event, CampaignFinished):
            await self._finished(event)
        elif isinstance(event, SessionChanged):
            await self.check_session()

    async def _breaker(self, event: BreakerChanged) -> None:
        if event.state == BreakerState.CLOSED.value:
            await self.resolve(
                causes.BREAKER, f"The breaker was closed at {causes.when(event.at, self.zone)}."
            )
        elif event.state == BreakerState.OPEN.value:
            if event.hard and event.reason in causes.SIGN_IN_KINDS:
                return  # the run's end follows with what the page asks: one message, with it
            await self.open(
                causes.breaker_opened(event.reason, event.at, event.retry_at, event.hard, self.zone)
            )

    async def _finished(self, event: CampaignFinished) -> None:
        summary = event.summary
        stopped = summary.get("stopped", {})
        reason, detail = str(stopped.get("reason")), stopped.get("detail")
        campaign, at, zone = event.campaign, event.at, self.zone
        counts = summary.get("counts", {})
        if reason == "checkpoint":
            kind = str(summary.get("breaker", {}).get("reason") or "checkpoint")
            if kind in causes.SIGN_IN_KINDS:
                await self.open(causes.sign_in_waiting(kind, detail, at, zone))
            else:
                await self.open(causes.breaker_opened(kind, at, None, True, zone))
        elif reason == "no_session":
            await self._session(causes.session_problem("expired", None, None, zone))
        elif reason == "clock_skew":
            await self.open(causes.clock_skew(detail, at, zone))
        elif reason == "page_unreadable":
            await self.open(causes.page_unreadable(campaign, detail, at, zone))
        elif reason in FAILED:
            await self.open(causes.run_failed(campaign, reason, detail, at, zone))
        elif reason == "breaker_open" or (reason == "outside_working_hours" and not counts.get("sent")):
            await self.open(causes.run_skipped(campaign, reason, detail, at, zone))
        if reason in HEALTHY or (reason == "outside_working_hours" and counts.get("sent")):
            how = f"The {campaign} run of {causes.when(at, zone)} went through ({reason.replace('_', ' ')})."
            for key in (causes.run_key(campaign), causes.page_key(campaign), causes.CLOCK_SKEW):
                await self.resolve(key, how)
            await self.check_session()

    async def run_raised(self, campaign: str, exc: BaseException) -> None:
        """A scheduled run that ended in an exception, before it could report how it stopped."""
        text = " ".join(str(exc).split()) or type(exc).__name__
        await self._guarded(
            self.open(causes.run_failed(campaign, "failed", text[:300], self.clock(), self.zone)),
            "recording a failed run",
        )

    # Checks ----------------------------------------------------------------------------------

    async def check_session(self) -> None:
        """Open the session cause when it is missing, expired or expiring soon; else resolve it."""
        now = self.clock()
        try:
            status = SessionStore(self.settings).load().status(now)
        except NoSession:
            await self._session(causes.session_problem("missing", None, None, self.zone))
            return
        warn = timedelta(days=self.settings.notify.session_warning_days)
        if status.state == "expired":
            await self._session(causes.session_problem("expired", status.expires_at, None, self.zone))
        elif status.expires_at is not None and status.expires_at - now <= warn:
            days = max(0, (status.expires_at - now).days)
            await self._session(causes.session_problem("expiring", status.expires_at, days, self.zone))
        else:
            until = f" until {causes.when(status.expires_at, self.zone)}" if status.expires_at else ""
            await self.resolve(causes.SESSION, f"The session is valid{until}.")

    async def _session(self, cause: Cause) -> None:
        # Missing, expiring and expired are different news: a change of kind is said once more.
        current = next((c for c in await open_causes(self.db) if c.key == cause.key), None)
        if current is not None and current.kind != cause.kind:
            await self.resolve(cause.key, cause.title.removeprefix("LinkPilot: ").capitalize() + ".")
        await self.open(cause)

    async def check_breaker(self) -> None:
        """The breaker as storage (or Redis) says: closed or reset by another process, or opened
        by one that had no notifier."""
        if self.breaker is None:
            return
        snap: BreakerSnapshot = await self.breaker.state()
        if snap.state is BreakerState.CLOSED:
            await self.resolve(causes.BREAKER, "The breaker is closed; campaigns can run again.")
        elif snap.state is BreakerState.OPEN:
            if snap.hard and snap.reason in causes.SIGN_IN_KINDS:
                await self.open(
                    causes.sign_in_waiting(snap.reason, None, snap.since or self.clock(), self.zone)
                )
            else:
                await self.open(
                    causes.breaker_opened(snap.reason, snap.since, snap.retry_at, snap.hard, self.zone)
                )

    async def reconcile(self) -> None:
        await self.check_breaker()
        await self.check_session()

    async def digest_due(self, now: datetime) -> bool:
        cfg = self.settings.notify
        if not cfg.digest or self.ledger is None:
            return False
        local = now.astimezone(self.zone)
        if local.time() < cfg.digest_at:
            return False
        last = await last_message_at(self.db, "digest")
        return last is None or local_date(last, self.zone) < local.date()

    async def send_digest(self) -> None:
        assert self.ledger is not None
        await self.send(await compose_digest(self.settings, self.db, self.ledger, self.clock()))

    async def watch(self, stop: asyncio.Event) -> None:
        """For `serve` and the console: the hourly checks and the daily digest, until `stop`."""
        next_check = self.clock() + WATCH_EVERY
        while not stop.is_set():
            now = self.clock()
            if await self.digest_due(now):
                await self._guarded(self.send_digest(), "sending the digest")
            if now >= next_check:
                await self._guarded(self.reconcile(), "checking the breaker and the session")
                next_check = now + WATCH_EVERY
            if not await wait_until(min(next_check, now + timedelta(minutes=1)), self.clock, stop):
                return


def check_channels(settings: Settings) -> None:
    """Refuse (exit 2) a notification URL Apprise cannot use, before a command does anything."""
    if settings.notify.urls:
        parse_channels(settings.notify.urls)


def create_notifier(
    settings: Settings,
    db: Database,
    bus: EventBus,
    *,
    clock: Clock = utc_now,
    breaker: CircuitBreaker | None = None,
    ledger: QuotaLedger | None = None,
) -> Notifier | None:
    """The notifier the settings ask for; None when no channel is configured. A URL Apprise
    cannot use is refused here (ConfigError, exit 2), before anything runs."""
    if not settings.notify.urls:
        return None
    return Notifier(
        settings, db, bus, parse_channels(settings.notify.urls), clock=clock, breaker=breaker, ledger=ledger
    )


@asynccontextmanager
async def notifying(rt: Runtime) -> AsyncIterator[Notifier | None]:
    """The runtime's notifier, started for the block (None without channels), then closed
    with the bounded exit wait."""
    notifier = create_notifier(
        rt.settings, rt.db, rt.bus, clock=rt.clock, breaker=rt.breaker, ledger=rt.ledger
    )
    if notifier is None:
        yield None
        return
    await notifier.start()
    try:
        yield notifier
    finally:
        await notifier.close()
