"""The embedded ledger: quota_events rows in the application's database.

A reservation counts, then inserts, inside one transaction that took the write lock first
(`locked_transaction`: BEGIN IMMEDIATE on SQLite), so processes sharing the data folder are
serialised on the check and can never both take the last unit.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Table, case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

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
from linkpilot.storage.database import Database
from linkpilot.storage.locking import locked_transaction
from linkpilot.storage.models import QuotaEvent

EVENTS: Table = QuotaEvent.__table__  # type: ignore[assignment]
COL = EVENTS.c

# Called under the write lock with the reservation about to be written: None lets it through.
Gate = Callable[[Reservation, Windows, datetime | None], Awaitable[QuotaRefused | None]]


def _live() -> ColumnElement[bool]:
    return COL.state.in_(LIVE_STATES)


def _since(start: datetime) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((COL.at >= start, 1), else_=0)), 0)


async def first_use(conn: AsyncConnection) -> datetime | None:
    """The first unit ever granted (released ones never were used): the warm-up's day zero."""
    result = await conn.execute(select(func.min(COL.at)).where(_live()))
    value: datetime | None = result.scalar()
    return value


async def count_usage(
    conn: AsyncConnection, action: Action, now: datetime, windows: Windows, run_id: int | None
) -> Counts:
    row = (
        await conn.execute(
            select(_since(windows.day_start), _since(windows.week_start), _since(windows.month_start)).where(
                COL.action == action.value, _live(), COL.at >= windows.horizon
            )
        )
    ).one()
    run = 0
    if run_id is not None:
        run = (
            await conn.execute(
                select(func.count()).where(
                    COL.action == action.value, COL.at >= now - RUN_SPAN, COL.run_id == run_id, _live()
                )
            )
        ).scalar_one()
    return Counts(day=int(row[0]), week=int(row[1]), month=int(row[2]), run=int(run))


async def nth_oldest_in_week(
    conn: AsyncConnection, action: Action, now: datetime, windows: Windows, index: int
) -> datetime | None:
    result = await conn.execute(
        select(COL.at)
        .where(COL.action == action.value, _live(), COL.at >= windows.week_start)
        .order_by(COL.at)
        .offset(index)
        .limit(1)
    )
    return result.scalar()


async def insert_reservation(conn: AsyncConnection, reservation: Reservation) -> None:
    await conn.execute(
        insert(EVENTS).values(
            action=reservation.action.value,
            state="reserved",
            at=reservation.reserved_at,
            expires_at=reservation.expires_at,
            token=reservation.token,
            run_id=reservation.run_id,
            backend=reservation.backend,
        )
    )


async def settle(db: Database, reservation: Reservation, state: str) -> str:
    """Move a reservation to committed or released, as the contract allows; return its state."""
    allowed_from = ("reserved", "committed") if state == "committed" else ("reserved",)
    async with db.transaction() as session:
        conn = await session.connection()
        done = await conn.execute(
            update(EVENTS)
            .where(COL.token == reservation.token, COL.state.in_(allowed_from))
            .values(state=state)
        )
        if done.rowcount:
            return state
        current = (await conn.execute(select(COL.state).where(COL.token == reservation.token))).scalar()
    if current is None:
        raise QuotaError(f"unknown quota reservation {reservation.token}")
    if state == "committed":
        raise QuotaError(f"cannot commit quota reservation {reservation.token}: it was {current}")
    # Releasing a released or committed unit changes nothing: a committed unit was spent.
    return str(current)


async def stored_first_use(db: Database) -> datetime | None:
    async with db.session() as session:
        return await first_use(await session.connection())


@dataclass(frozen=True, slots=True)
class StoredEvent:
    token: str
    action: str
    state: str
    at: datetime
    expires_at: datetime | None
    run_id: int | None


async def events_since(db: Database, since: datetime) -> Sequence[StoredEvent]:
    async with db.session() as session:
        rows = (
            await session.execute(
                select(COL.token, COL.action, COL.state, COL.at, COL.expires_at, COL.run_id).where(
                    COL.at >= since
                )
            )
        ).all()
    return [StoredEvent(*row) for row in rows]


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
        async with locked_transaction(self.db, EVENTS.name) as conn:
            use = await first_use(conn) if self.policy.warmup_days else None
            limits = self.policy.effective(action, now=now, first_use=use, run_limit=run_limit)
            counts = await count_usage(conn, action, now, windows, run_id)
            reason = first_refusal(counts, limits, has_run=run_id is not None)
            if reason is None:
                reservation = new_reservation(action, now, run_id, backend)
                if gate is not None:
                    vetoed = await gate(reservation, windows, use)
                    if vetoed is not None:
                        return vetoed
                await insert_reservation(conn, reservation)
                return reservation
            oldest = None
            if reason == "weekly_limit" and limits.week is not None:
                oldest = await nth_oldest_in_week(conn, action, now, windows, counts.week - limits.week)
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
        async with self.db.session() as session:
            conn = await session.connection()
            use = await first_use(conn)
            counts = {a: await count_usage(conn, a, now, windows, None) for a in self.policy.actions}
        return snapshot_of(self.policy, now, self.backend, counts, use)

    async def close(self) -> None:
        """The database belongs to the caller."""
