"""The write-locked transaction: all or nothing, and one-line storage errors."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select, text

from linkpilot.common.errors import StorageError
from linkpilot.storage.database import Database
from linkpilot.storage.locking import locked_transaction
from linkpilot.storage.models import QuotaEvent

TABLE = QuotaEvent.__table__


async def count(db: Database) -> int:
    async with db.session() as session:
        return int((await session.execute(select(func.count()).select_from(TABLE))).scalar_one())


async def test_commits_on_success_and_rolls_back_on_error(db: Database) -> None:
    async with locked_transaction(db, TABLE.name) as conn:
        await conn.execute(insert(TABLE).values(action="message", token="kept"))

    async def insert_then_fail() -> None:
        async with locked_transaction(db, TABLE.name) as conn:
            await conn.execute(insert(TABLE).values(action="message", token="dropped"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await insert_then_fail()
    assert await count(db) == 1


async def test_database_errors_become_storage_errors(db: Database) -> None:
    with pytest.raises(
        StorageError, match=r"database error: (no such table|relation \"no_such_table\" does not exist)"
    ):
        async with locked_transaction(db, TABLE.name) as conn:
            await conn.execute(text("SELECT * FROM no_such_table"))
    assert await count(db) == 0
