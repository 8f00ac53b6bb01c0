"""Fixtures for the storage suites: a real, migrated SQLite file per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from linkpilot.storage.database import Database
from linkpilot.storage.migrate import upgrade


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """An empty database at head revision, in tmp_path/linkpilot.db."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'linkpilot.db'}"
    upgrade(url)
    database = Database(url)
    yield database
    await database.dispose()
