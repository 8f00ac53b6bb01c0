"""Locks between processes sharing one database: a write transaction that takes the write lock
before it reads anything, and the lock that lets one process at a time migrate a SQLite file.

Check-then-insert (a quota reservation, a breaker counter) is only safe across processes when
the check runs under the write lock. SQLite's default deferred BEGIN takes that lock at the first
write, after the check; `BEGIN IMMEDIATE` takes it at once, so a second process waits (busy
timeout) instead of reading a count that is about to change. PostgreSQL gets the same
guarantee from a table lock taken first thing in the transaction: under READ COMMITTED every
later statement reads what the previous lock holder committed.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from linkpilot.common.errors import StorageError
from linkpilot.storage.database import BUSY_TIMEOUT_MS, Database, describe_db_error, is_sqlite, sqlite_file

# How long PostgreSQL waits for another process's lock before giving up.
LOCK_WAIT_MS = BUSY_TIMEOUT_MS


@asynccontextmanager
async def locked_transaction(db: Database, table: str) -> AsyncIterator[AsyncConnection]:
    """Yield a connection inside a transaction that holds the write lock for `table`.

    Commits when the block ends, rolls back on any error. On SQLite the lock covers the whole
    file; on PostgreSQL it is a table lock that still lets readers through.
    """
    try:
        async with db.engine.connect() as raw:
            # AUTOCOMMIT hands transaction control to us: the driver must not issue its own
            # deferred BEGIN in front of ours.
            conn = await raw.execution_options(isolation_level="AUTOCOMMIT")
            sqlite = is_sqlite(db.url)
            if sqlite:
                await conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                await conn.exec_driver_sql("BEGIN")
                # As long as SQLite's busy timeout, then a clear error rather than waiting forever.
                await conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'")
                # SHARE ROW EXCLUSIVE conflicts with itself and with every write, not with reads.
                await conn.exec_driver_sql(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
            try:
                yield conn
            except BaseException:
                await conn.exec_driver_sql("ROLLBACK")
                raise
            await conn.exec_driver_sql("COMMIT")
    except DBAPIError as exc:
        raise StorageError(describe_db_error(exc)) from exc


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """Hold the right to migrate the SQLite database at `url` (PostgreSQL: nothing to do here,
    see migrate.upgrade's advisory lock).

    SQLite runs Alembic's DDL outside a transaction, so two processes starting together on a new
    data folder both found no schema and both created it: "table blacklist already exists". The
    lock is an flock on a file beside the database, made the first time a migration is needed
    and left there: removing it could let a late process lock a file nobody else sees. It is
    not the database file itself, which SQLite locks with POSIX locks that closing any other
    descriptor to it in this process would drop. The kernel releases it if the holder dies.
    """
    path = sqlite_file(url)
    if path is None:
        yield
        return
    fd = os.open(path.with_name(path.name + ".migrate-lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
