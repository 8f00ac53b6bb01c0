"""The circuit breakers' rows in breaker_state: read, and written under the write lock.

A row is a plain dict keyed by column (times aware), the shape storage/quick_read.py reads too;
engine/breaker_state.py turns it into the breaker's snapshot and back. The breaker's rules stay
in the engine: it reads a row and decides the next one inside `locked`, so two processes can
never both move the breaker from the same state.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from linkpilot.storage.database import Database
from linkpilot.storage.locking import locked_transaction
from linkpilot.storage.models import BreakerRecord

TABLE: Table = BreakerRecord.__table__  # type: ignore[assignment]


async def _row(conn: AsyncConnection, name: str) -> dict[str, Any] | None:
    row = (await conn.execute(select(TABLE).where(TABLE.c.name == name))).mappings().first()
    return None if row is None else dict(row)


class BreakerRows:
    """breaker_state through one connection, inside the transaction `locked` holds."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def get(self, name: str) -> dict[str, Any] | None:
        """The row of breaker `name`, or None while it was never written."""
        return await _row(self._conn, name)

    async def insert(self, name: str, values: Mapping[str, Any]) -> None:
        await self._conn.execute(insert(TABLE).values(name=name, **values))

    async def update(self, name: str, values: Mapping[str, Any]) -> None:
        await self._conn.execute(update(TABLE).where(TABLE.c.name == name).values(**values))


@asynccontextmanager
async def locked(db: Database) -> AsyncIterator[BreakerRows]:
    """One transaction holding breaker_state's write lock (storage/locking.py): commits at the
    end of the block, rolls back on any error."""
    async with locked_transaction(db, TABLE.name) as conn:
        yield BreakerRows(conn)


async def read_row(db: Database, name: str) -> dict[str, Any] | None:
    """The row of breaker `name` as last committed, without taking the lock."""
    async with db.session() as session:
        return await _row(await session.connection(), name)
