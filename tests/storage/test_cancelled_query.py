"""A query cancelled in flight leaves nothing behind that would keep the event loop from ending.

The console quitting, or `serve` told to stop, cancels whatever task is reading or writing at
that moment, and may cancel it again while it cleans up. Found by the console's tests: one in
a dozen runs under load hung for two minutes in the loop's teardown, on a task SQLAlchemy had
left closing an aiosqlite connection whose thread was already gone.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from linkpilot.storage.database import Database

pytestmark = pytest.mark.asyncio

# About a second of SQLite's own work, on the connection's thread, whatever the box.
SLOW = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000000) SELECT count(*) FROM n"
)
BOUND_S = 10.0


def connection_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if "_connection_worker_thread" in t.name}


@pytest.mark.parametrize("cancels", [1, 2])
async def test_a_query_cancelled_in_flight_leaves_no_task_and_no_thread(tmp_path: Path, cancels: int) -> None:
    before = connection_threads()
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'linkpilot.db'}")
    started = asyncio.Event()

    async def read() -> None:
        async with db.session() as session:
            await session.execute(text("SELECT 1"))
            started.set()
            await session.execute(text(SLOW))

    task = asyncio.create_task(read())
    await started.wait()
    # The slow query is now running: cancel it, and (as a loop's teardown does) cancel its
    # clean-up again.
    for _ in range(cancels):
        task.cancel()
        await asyncio.sleep(0)
    with pytest.raises(asyncio.CancelledError):
        await task
    await db.dispose()

    # Everything the cancellation started finishes on its own, well within the bound.
    others = asyncio.all_tasks() - {asyncio.current_task()}
    _done, pending = await asyncio.wait(others, timeout=BOUND_S) if others else (set(), set())
    assert not pending, pending
    # The connection's thread ends too (SQLite closed after the query in flight).
    for thread in connection_threads() - before:
        await asyncio.to_thread(thread.join, BOUND_S)
        assert not thread.is_alive()
    # And the database is as usable as before.
    again = Database(db.url)
    try:
        await again.ping()
    finally:
        await again.dispose()
