from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from linkpilot.storage.database import Database
from linkpilot.storage.migrate import upgrade
from tests.engine.livesite import live

__all__ = ["db", "live"]


@pytest_asyncio.fixture(loop_scope="session")
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite file per test, on the session loop the browser fixtures use."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'linkpilot.db'}"
    upgrade(url)
    database = Database(url)
    yield database
    await database.dispose()
