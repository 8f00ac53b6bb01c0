"""The outbox's worker: every queued message to every channel, off the campaigns' path.

Deliveries are claimed from storage (so two processes never send one twice), sent in daemon
threads, and recorded. A failure is logged and tried again after `notify.retry_initial_s`,
doubling up to `notify.retry_max_s`, until `notify.max_attempts`; a test message is tried once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from linkpilot.common.clock import Clock
from linkpilot.common.settings import Notify
from linkpilot.engine.events import EventBus
from linkpilot.engine.notify.channels import DELIVERY_TIMEOUT_S, Severity, Target, in_daemon_thread
from linkpilot.engine.notify.status import ChannelStatus, NotifyStatus
from linkpilot.engine.pacing import wait_until
from linkpilot.storage.database import Database
from linkpilot.storage.notifications import (
    Due,
    claim_due,
    last_deliveries,
    next_attempt_at,
    pending_count,
    record_attempt,
)

log = logging.getLogger(__name__)

# A claimed delivery is the claimer's for this long; past it (the process died while
# sending) another process may try it.
CLAIM_LEASE = timedelta(minutes=2)
SEVERITY: dict[str, Severity] = {"open": "failure", "resolved": "success", "digest": "info", "test": "info"}


@dataclass(frozen=True)
class Attempt:
    target: Target
    due: Due
    ok: bool
    error: str | None


def backoff(attempts: int, cfg: Notify) -> timedelta:
    return timedelta(seconds=min(cfg.retry_initial_s * 2 ** max(0, attempts - 1), cfg.retry_max_s))


class Deliverer:
    def __init__(
        self, db: Database, targets: Sequence[Target], cfg: Notify, bus: EventBus, clock: Clock
    ) -> None:
        self.db = db
        self.targets = {t.fingerprint: t for t in targets}
        self.cfg = cfg
        self.bus = bus
        self.clock = clock
        self.wake = asyncio.Event()
        self.stopping = False

    @property
    def fingerprints(self) -> list[str]:
        return list(self.targets)

    async def deliver_due(self, limit_s: float = DELIVERY_TIMEOUT_S) -> list[Attempt]:
        """One pass: whatever is due now, each channel in order, the channels side by side."""
        due = await claim_due(self.db, self.fingerprints, self.clock(), CLAIM_LEASE)
        if not due:
            return []
        by_channel: dict[str, list[Due]] = defaultdict(list)
        for item in due:
            by_channel[item.channel].append(item)
        done = await asyncio.gather(
            *(self._channel(self.targets[fp], items, limit_s) for fp, items in by_channel.items())
        )
        await self.publish_status()
        return [attempt for attempts in done for attempt in attempts]

    async def _channel(self, target: Target, items: list[Due], limit_s: float) -> list[Attempt]:
        attempts = []
        for item in items:
            severity = SEVERITY.get(item.kind, "info")
            try:
                ok, error = await in_daemon_thread(
                    lambda item=item, severity=severity: target.send(item.title, item.body, severity),  # type: ignore[misc]
                    limit_s,
                )
            except TimeoutError:
                ok, error = False, f"no answer within {limit_s:g} s"
            attempts.append(Attempt(target, item, ok, error))
            await self._record(target, item, ok, error)
        return attempts

    async def _record(self, target: Target, item: Due, ok: bool, error: str | None) -> None:
        now = self.clock()
        if ok:
            log.info("notification %r delivered to %s", item.title, target.label)
            await record_attempt(self.db, item.id, at=now, ok=True)
            return
        final = item.kind == "test" or item.attempts >= self.cfg.max_attempts
        retry_at = None if final else now + backoff(item.attempts, self.cfg)
        if retry_at is None:
            log.error(
                "notification %r to %s failed (attempt %d), given up: %s",
                item.title,
                target.label,
                item.attempts,
                error,
            )
        else:
            log.warning(
                "notification %r to %s failed (attempt %d of %d): %s; next try at %s",
                item.title,
                target.label,
                item.attempts,
                self.cfg.max_attempts,
                error,
                retry_at.isoformat(timespec="seconds"),
            )
        await record_attempt(self.db, item.id, at=now, ok=False, error=error, retry_at=retry_at)

    async def status(self) -> tuple[ChannelStatus, ...]:
        last = await last_deliveries(self.db, self.fingerprints)
        out = []
        for fp, target in self.targets.items():
            seen = last.get(fp)
            if seen is None:
                out.append(ChannelStatus(target.label, pending=await pending_count(self.db, [fp])))
            else:
                out.append(
                    ChannelStatus(target.label, seen.at, seen.ok, seen.title, seen.error, seen.pending)
                )
        return tuple(out)

    async def publish_status(self) -> None:
        self.bus.publish(NotifyStatus(channels=await self.status()))

    async def run(self) -> None:
        """Deliver until `stop()`, waking when a message is queued or a retry is due."""
        while not self.stopping:
            self.wake.clear()
            try:
                await self.deliver_due()
                upcoming = await next_attempt_at(self.db, self.fingerprints)
            except Exception:
                # Storage busy or gone for a moment: the messages stay queued; the next pass
                # comes after the first back-off, never in a tight loop.
                log.exception("notification delivery pass failed")
                upcoming = self.clock() + timedelta(seconds=self.cfg.retry_initial_s)
            if self.stopping:
                return
            if upcoming is None:
                await self.wake.wait()
            else:
                await wait_until(upcoming, self.clock, self.wake, step_s=self.cfg.retry_initial_s)

    def stop(self) -> None:
        """End `run` after the attempt in flight (which is recorded, so never sent twice)."""
        self.stopping = True
        self.wake.set()

    async def drain(self, seconds: float) -> None:
        """At exit: what is due now, for at most `seconds`; the rest waits for the next process."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while (left := deadline - loop.time()) > 0.05:
            upcoming = await next_attempt_at(self.db, self.fingerprints)
            if upcoming is None or upcoming > self.clock():
                return
            try:
                await asyncio.wait_for(self.deliver_due(limit_s=left), timeout=left)
            except TimeoutError:
                return
