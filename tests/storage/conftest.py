"""Fixtures for the storage suites: a real, migrated database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from linkpilot.storage.database import Database
from tests.postgres import BACKENDS, backend_database, database_url, postgres_server

__all__ = ["database_url", "db", "postgres_server"]


@pytest.fixture(params=BACKENDS)
async def db(request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    """An empty database at head revision: a SQLite file (tmp_path/linkpilot.db), then a fresh
    PostgreSQL database on the session's server; every test that takes it runs on both."""
    with backend_database(request, request.param, migrated=True) as url:
        database = Database(url)
        yield database
        await database.dispose()
