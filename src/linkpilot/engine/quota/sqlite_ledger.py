"""The embedded ledger: quota_events rows in the application's database (storage/quota_events.py).

A reservation counts, then inserts, inside one transaction that took the write lock first
(`quota_events.locked`: BEGIN IMMEDIATE on SQLite), so processes sharing the data folder are
serialised on the check and can never both take the last unit. The rules (which states count,
windows, limits, warm-up) are here; the statements are storage's.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from linkpilot.common.clock import Clock, utc_now
from linkpilot.engine.quota.contract import (
    EMBEDDED,
    LIVE_STATES,
    RESERVATION_TTL,
    Action,
    QuotaError,
    QuotaRefused,
    QuotaSnapshot,
    Reservation,
)
from linkpilot.engine.quota.windows import (
    RUN_SPAN,
    Counts,
    QuotaPolicy,
    Windows,
    first_refusal,
    retry_time,
    snapshot_of,
    used_and_limit,
    windows_at,
)
from linkpilot.storage import quota_events
from linkpilot.storage.database import Database
from linkpilot.storage.quota_events import QuotaEvents

# Called under the write lock with the reservation about to be written: None lets it through.
Gate = Callable[[Reservation, Windows, datetime | None], Awaitable[QuotaRefused | None]]


async def first_use(events: QuotaEvents) -> datetime | None:
    """The first unit ever granted (released ones never were used): the warm-up's day zero."""
    return await events.first_quota_use(LIVE_STATES)


async def count_usage(
    events: QuotaEvents, action: Action, now: datetime, windows: Windows, run_id: int | None
) -> Counts:
    since = (windows.day_start, windows.week_start, windows.month_start)
    day, week, month = await events.quota_counts(action.value, LIVE_STATES, since, windows.horizon)
    run = 0
    if run_id is not None:
        run = await events.run_count(action.value, LIVE_STATES, now - RUN_SPAN, run_id)
    return Counts(day=day, week=week, month=month, run=run)


async def settle(db: Database, reservation: Reservation, state: str) -> str:
    """Move a reservation to committed or released, as the contract allows; return its state."""
    allowed_from = ("reserved", "committed") if state == "committed" else ("reserved",)
    current = await quota_events.settle(db, reservation.token, state, allowed_from)
    if current == state:
        return state
    if current is None:
        raise QuotaError(f"unknown quota reservation {reservation.token}")
    if state == "committed":
        raise QuotaError(f"cannot commit quota reservation {reservation.token}: it was {current}")
    # Releasing a released or committed unit changes nothing: a committed unit was spent.
    return current


async def stored_first_use(db: Database) -> datetime | None:
    return await quota_events.first_quota_use(db, LIVE_STATES)


def new_reservation(action: Action, now: datetime, run_id: int | None, backend: str) -> Reservation:
    return Reservation(
        token=uuid.uuid4().hex,
        action=action,
        reserved_at=now,
        expires_at=now + RESERVATION_TTL,
        run_id=run_id,
        backend=backend,
    )


def outside_hours(action: Action, now: datetime, policy: QuotaPolicy) -> QuotaRefused | None:
    if policy.working_time.contains(now):
        return None
    windows = windows_at(now, policy.zone)
    at = retry_time("outside_working_hours", now=now, windows=windows, week_oldest_needed=None, policy=policy)
    return QuotaRefused(action, "outside_working_hours", at)


class SqliteLedger:
    """The default ledger, for one data folder (any number of processes on it)."""

    backend = EMBEDDED

    def __init__(self, db: Database, policy: QuotaPolicy, clock: Clock = utc_now) -> None:
        self.db = db
        self.policy = policy
        self.clock = clock

    async def reserve(
        self, action: Action, *, run_id: int | None = None, run_limit: int | None = None
    ) -> Reservation | QuotaRefused:
        return await self.reserve_with(action, run_id=run_id, run_limit=run_limit, backend=self.backend)

    async def reserve_with(
        self,
        action: Action,
        *,
        run_id: int | None,
        run_limit: int | None,
        backend: str,
        gate: Gate | None = None,
    ) -> Reservation | QuotaRefused:
        """Check storage's count and insert under the write lock; `gate` may veto in between.

        The Redis ledger passes its Lua check as the gate, so a unit is granted only when
        storage and Redis both have room, and the grant is written to storage before the lock
        is let go: storage always holds a superset of what this data folder was granted.
        """
        now = self.clock().astimezone(UTC)
        refused = outside_hours(action, now, self.policy)
        if refused is not None:
            return refused
        windows = windows_at(now, self.policy.zone)
        async with quota_events.locked(self.db) as events:
            use = await first_use(events) if self.policy.warmup_days else None
            limits = self.policy.effective(action, now=now, first_use=use, run_limit=run_limit)
            counts = await count_usage(events, action, now, windows, run_id)
            reason = first_refusal(counts, limits, has_run=run_id is not None)
            if reason is None:
                reservation = new_reservation(action, now, run_id, backend)
                if gate is not None:
                    vetoed = await gate(reservation, windows, use)
                    if vetoed is not None:
                        return vetoed
                await events.insert_reserved(
                    token=reservation.token,
                    action=reservation.action.value,
                    at=reservation.reserved_at,
                    expires_at=reservation.expires_at,
                    run_id=reservation.run_id,
                    backend=reservation.backend,
                )
                return reservation
            oldest = None
            if reason == "weekly_limit" and limits.week is not None:
                oldest = await events.nth_oldest(
                    action.value, LIVE_STATES, windows.week_start, counts.week - limits.week
                )
        used, limit = used_and_limit(reason, counts, limits)
        at = retry_time(reason, now=now, windows=windows, week_oldest_needed=oldest, policy=self.policy)
        return QuotaRefused(action, reason, at, used=used, limit=limit)

    async def commit(self, reservation: Reservation) -> None:
        await settle(self.db, reservation, "committed")

    async def release(self, reservation: Reservation) -> None:
        await settle(self.db, reservation, "released")

    async def snapshot(self) -> QuotaSnapshot:
        now = self.clock().astimezone(UTC)
        windows = windows_at(now, self.policy.zone)
        async with quota_events.reading(self.db) as events:
            use = await first_use(events)
            counts = {a: await count_usage(events, a, now, windows, None) for a in self.policy.actions}
        return snapshot_of(self.policy, now, self.backend, counts, use)

    async def close(self) -> None:
        """The database belongs to the caller."""
