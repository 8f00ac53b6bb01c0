"""The quota ledger's units: rows of quota_events, counted, inserted and settled.

The rules (which states count, the windows, the limits) are the ledger's, in engine/quota/:
they arrive here as plain values. A reservation counts and then inserts inside `locked`, one
transaction that took the write lock first (storage/locking.py: BEGIN IMMEDIATE on SQLite),
so processes sharing the data folder are serialised on the check and can never both take the
last unit. storage/quick_read.py answers the same counts from the file for the status
commands.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from linkpilot.storage.database import Database
from linkpilot.storage.locking import locked_transaction
from linkpilot.storage.models import QuotaEvent

EVENTS: Table = QuotaEvent.__table__  # type: ignore[assignment]
COL = EVENTS.c


def _since(start: datetime) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((COL.at >= start, 1), else_=0)), 0)


async def _first_use(conn: AsyncConnection, states: Sequence[str]) -> datetime | None:
    result = await conn.execute(select(func.min(COL.at)).where(COL.state.in_(states)))
    value: datetime | None = result.scalar()
    return value


class QuotaEvents:
    """quota_events through one connection: inside `locked`'s transaction, or `reading`'s."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def first_quota_use(self, states: Sequence[str]) -> datetime | None:
        """The time of the first unit ever held in one of `states`."""
        return await _first_use(self._conn, states)

    async def quota_counts(
        self, action: str, states: Sequence[str], since: Sequence[datetime], horizon: datetime
    ) -> tuple[int, ...]:
        """Units of `action` in `states` at or after each of `since`, looking back to `horizon`."""
        row = (
            await self._conn.execute(
                select(*(_since(start) for start in since)).where(
                    COL.action == action, COL.state.in_(states), COL.at >= horizon
                )
            )
        ).one()
        return tuple(int(n) for n in row)

    async def run_count(self, action: str, states: Sequence[str], since: datetime, run_id: int) -> int:
        """Units of `action` in `states` that run `run_id` took at or after `since`."""
        result = await self._conn.execute(
            select(func.count()).where(
                COL.action == action, COL.at >= since, COL.run_id == run_id, COL.state.in_(states)
            )
        )
        return int(result.scalar_one())

    async def nth_oldest(
        self, action: str, states: Sequence[str], since: datetime, index: int
    ) -> datetime | None:
        """The time of the unit `index` (from 0, oldest first) of `action` in `states` since `since`."""
        result = await self._conn.execute(
            select(COL.at)
            .where(COL.action == action, COL.state.in_(states), COL.at >= since)
            .order_by(COL.at)
            .offset(index)
            .limit(1)
        )
        value: datetime | None = result.scalar()
        return value

    async def insert_reserved(
        self,
        *,
        token: str,
        action: str,
        at: datetime,
        expires_at: datetime,
        run_id: int | None,
        backend: str,
    ) -> None:
        await self._conn.execute(
            insert(EVENTS).values(
                action=action,
                state="reserved",
                at=at,
                expires_at=expires_at,
                token=token,
                run_id=run_id,
                backend=backend,
            )
        )


@asynccontextmanager
async def locked(db: Database) -> AsyncIterator[QuotaEvents]:
    """One transaction holding quota_events' write lock: commits at the end of the block, rolls
    back on any error."""
    async with locked_transaction(db, EVENTS.name) as conn:
        yield QuotaEvents(conn)


@asynccontextmanager
async def reading(db: Database) -> AsyncIterator[QuotaEvents]:
    """One read transaction, without the lock: every read in the block sees the same ledger."""
    async with db.session() as session:
        yield QuotaEvents(await session.connection())


async def first_quota_use(db: Database, states: Sequence[str]) -> datetime | None:
    async with reading(db) as events:
        return await events.first_quota_use(states)


async def settle(db: Database, token: str, state: str, from_states: Sequence[str]) -> str | None:
    """Move the unit `token` to `state` if it is in one of `from_states`, in one transaction.

    Returns the state the unit is in afterwards (`state` when it moved), or None when no unit
    has this token.
    """
    async with db.transaction() as session:
        conn = await session.connection()
        done = await conn.execute(
            update(EVENTS).where(COL.token == token, COL.state.in_(from_states)).values(state=state)
        )
        if done.rowcount:
            return state
        current: str | None = (await conn.execute(select(COL.state).where(COL.token == token))).scalar()
    return current


@dataclass(frozen=True, slots=True)
class StoredEvent:
    token: str
    action: str
    state: str
    at: datetime
    expires_at: datetime | None
    run_id: int | None


async def events_since(db: Database, since: datetime) -> Sequence[StoredEvent]:
    """Every unit, in any state, taken at or after `since`."""
    async with db.session() as session:
        rows = (
            await session.execute(
                select(COL.token, COL.action, COL.state, COL.at, COL.expires_at, COL.run_id).where(
                    COL.at >= since
                )
            )
        ).all()
    return [StoredEvent(*row) for row in rows]
