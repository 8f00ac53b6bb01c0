"""Opening the database: one async engine, SQLite pragmas on every connection, sessions."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from linkpilot.common.errors import StorageError

BUSY_TIMEOUT_MS = 5000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets the console read while the engine writes; the busy timeout waits out short
        # locks from another process instead of failing at once.
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def sync_url(url: str) -> str:
    """The same database through a synchronous driver (for Alembic and the online backup)."""
    parsed = make_url(url)
    driver = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}.get(parsed.get_backend_name())
    if driver is None:
        raise StorageError(f"unsupported database URL scheme: {parsed.drivername}")
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def create_engine_for(url: str) -> AsyncEngine:
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, pool_pre_ping=not is_sqlite(url))
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


class Database:
    """The application's handle on storage: an engine and a session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine_for(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits on success and rolls back on any error."""
        async with self.sessions() as session:
            try:
                async with session.begin():
                    yield session
            except DBAPIError as exc:
                raise StorageError(describe_db_error(exc)) from exc

    async def dispose(self) -> None:
        await self.engine.dispose()


def describe_db_error(exc: DBAPIError) -> str:
    orig = exc.orig
    if isinstance(orig, sqlite3.OperationalError):
        text = str(orig)
        if "locked" in text:
            return "database is locked by another process; try again when it is done"
        if "disk" in text or "full" in text:
            return f"database write failed: {text}"
        return f"database error: {text}"
    if isinstance(orig, sqlite3.IntegrityError):
        # A constraint said no (unique, check, trigger): the file itself is fine.
        return f"database refused the change: {orig}"
    if isinstance(orig, sqlite3.DatabaseError):
        return f"database file is damaged or not a database: {orig}"
    # PostgreSQL (through psycopg): SQLAlchemy's own error classes say which kind it was.
    first_line = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    if isinstance(exc, IntegrityError):
        return f"database refused the change: {first_line}"
    if isinstance(exc, OperationalError):
        return f"database unavailable: {first_line}"
    return f"database error: {first_line}"
