"""Opening the database (SQLite or PostgreSQL): one async engine, SQLite pragmas on every connection, sessions."""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeAlias

from sqlalchemy import event
from sqlalchemy import text as sql_text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from linkpilot.common.errors import ConfigError, StorageError, require_file_or_nothing

BUSY_TIMEOUT_MS = 5000
MMAP_BYTES = 256 * 2**20
# PostgreSQL's lock_not_available (a lock_timeout ran out) and deadlock_detected.
PG_LOCK_STATES = frozenset({"55P03", "40P01"})

# What the engine holds between storage's own functions; it builds no query on it.
Session: TypeAlias = AsyncSession


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets the console read while the engine writes; the busy timeout waits out short
        # locks from another process instead of failing at once.
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        # Reads straight from the OS page cache, shared by every connection, instead of each
        # connection's 2 MB page cache: a search scans the contacts table (about 35 MB at
        # 100,000 contacts) and its count reads every row again. Reads only; writes are as before.
        cursor.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    finally:
        cursor.close()


# One driver per backend, whatever driver a URL names: `postgresql://` works as it is written.
SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}
# Seconds to reach a PostgreSQL server before saying it is unavailable, unless the URL says.
PG_CONNECT_TIMEOUT = 10


def parse_url(url: str) -> URL:
    """The database URL, checked: SQLite or PostgreSQL. Errors never repeat the URL (it may
    hold a password)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            "database URL is not a URL: use sqlite+aiosqlite:///PATH or postgresql://USER@HOST/DATABASE"
        ) from None
    if parsed.get_backend_name() not in SYNC_DRIVERS:
        raise ConfigError(f"database URL: unsupported scheme {parsed.drivername!r}; use sqlite or postgresql")
    return parsed


def is_sqlite(url: str) -> bool:
    return parse_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str) -> Path | None:
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def check_sqlite_path(path: Path) -> None:
    """A directory where the database file belongs is the operator's to move, said in one line
    (SQLite would only say "unable to open database file", and reading it IsADirectoryError)."""
    require_file_or_nothing(path, "database file")


def require_driver(parsed: URL) -> None:
    """PostgreSQL's driver is an optional extra: without it, say how to get it in one line
    (SQLAlchemy would fail on the import, deep inside creating the engine)."""
    if parsed.get_backend_name() != "postgresql":
        return
    try:
        importlib.import_module("psycopg")
    except ImportError as exc:
        # psycopg's own message can run to several lines (each libpq wrapper it tried).
        why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(
            f"database URL is PostgreSQL but its driver psycopg cannot be loaded ({why}): "
            "install LinkPilot with the postgresql extra, pip install 'linkpilot[postgresql]' "
            "(the container image: build it with --build-arg LINKPILOT_EXTRAS=postgresql)"
        ) from None


def _with_driver(url: str, drivers: dict[str, str]) -> str:
    parsed = parse_url(url)
    require_driver(parsed)
    return parsed.set(drivername=drivers[parsed.get_backend_name()]).render_as_string(hide_password=False)


def sync_url(url: str) -> str:
    """The same database through a synchronous driver (for Alembic and the online backup)."""
    return _with_driver(url, SYNC_DRIVERS)


def async_url(url: str) -> str:
    """The same database through the asynchronous driver the application runs on."""
    return _with_driver(url, ASYNC_DRIVERS)


def connect_args(url: str) -> dict[str, Any]:
    """Driver options: a PostgreSQL server that does not answer is reported within seconds."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        return {"connect_timeout": PG_CONNECT_TIMEOUT}
    return {}


def create_engine_for(url: str) -> AsyncEngine:
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        check_sqlite_path(path)
    sqlite = is_sqlite(url)
    engine = create_async_engine(async_url(url), pool_pre_ping=not sqlite, connect_args=connect_args(url))
    if sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        dialect = engine.sync_engine.dialect
        dialect.do_terminate = partial(_stop_once, dialect)  # type: ignore[method-assign]
    return engine


def _stop_once(dialect: Any, dbapi_connection: Any) -> None:
    """Drop an aiosqlite connection whose task was cancelled in the middle of a query.

    SQLAlchemy's own way (2.1, aiosqlite 0.22) asks for a graceful close in a shielded task and,
    when that wait is cancelled too, stops the connection's thread at once; the graceful close
    then stops it a second time and waits forever for the thread that has already gone. That
    task hangs the end of the event loop: the console or `serve` asked to stop while a query
    ran would never exit. Stopping the thread once (it closes the SQLite connection after the
    query in flight) drops the connection just as well and leaves nothing waiting.
    """
    dialect.get_driver_connection(dbapi_connection).stop()


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

    async def ping(self) -> None:
        """Raises unless the database answers a trivial query (the readiness check)."""
        async with self.sessions() as session:
            await session.execute(sql_text("SELECT 1"))

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
    if getattr(orig, "sqlstate", None) in PG_LOCK_STATES:
        return "database is locked by another process; try again when it is done"
    if isinstance(exc, IntegrityError):
        return f"database refused the change: {first_line}"
    if isinstance(exc, OperationalError):
        return f"database unavailable: {first_line}"
    return f"database error: {first_line}"
