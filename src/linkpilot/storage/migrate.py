"""Schema migrations through Alembic, run from code so no alembic.ini has to sit beside the data."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from linkpilot.common.errors import StorageError
from linkpilot.storage.database import (
    _sqlite_pragmas,
    check_sqlite_path,
    connect_args,
    describe_db_error,
    is_sqlite,
    sqlite_file,
    sync_url,
)
from linkpilot.storage.locking import migration_lock
from linkpilot.storage.quick_read import QuickReader
from linkpilot.storage.schema_version import head_revision

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# PostgreSQL advisory lock held while migrating: any constant that no other lock user picks.
MIGRATION_LOCK_KEY = 0x4C696E6B50  # "LinkP"
# Alembic's loggers that say, at INFO, how it set itself up before each migration.
ALEMBIC_LOGGERS = ("alembic.runtime.migration", "alembic.runtime.plugins")


class _OnlySteps(logging.Filter):
    """Of Alembic's INFO lines, keep "Running upgrade 0001 -> 0002, ...": the owner's log is
    told what changed in the database, not which plugins and DDL mode Alembic chose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or record.getMessage().startswith("Running ")


@contextmanager
def _quiet_alembic() -> Iterator[None]:
    steps_only = _OnlySteps()
    loggers = [logging.getLogger(name) for name in ALEMBIC_LOGGERS]
    for logger in loggers:
        logger.addFilter(steps_only)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(steps_only)


def _config() -> Config:
    # Alembic is imported only to migrate: checking the revision needs none of it.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _sync_engine(url: str) -> Engine:
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _check_sqlite_file(path)
    engine = create_engine(sync_url(url), connect_args=connect_args(url))
    if is_sqlite(url):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not a SQLite database before Alembic touches it."""
    check_sqlite_path(path)
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(16)
    if header != b"SQLite format 3\x00":
        raise StorageError(f"{path} is not a LinkPilot database (not a SQLite file)")


def _stored_revision(conn: Connection) -> str | None:
    """What Alembic wrote in alembic_version (None for a database it never migrated)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return str(rows[0]) if len(rows) == 1 else None


def current_revision(url: str) -> str | None:
    engine = _sync_engine(url)
    try:
        with engine.connect() as conn:
            return _stored_revision(conn)
    except DBAPIError as exc:
        raise StorageError(describe_db_error(exc)) from None
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> tuple[str | None, str]:
    """Bring the schema to `revision`; return (before, after).

    One process at a time: the revision is read again under the lock, so of processes started
    together the first migrates and the others find the schema at head."""
    engine = _sync_engine(url)
    try:
        with migration_lock(url), engine.begin() as conn, _quiet_alembic():
            if not is_sqlite(url):
                # Boxes starting together against one server migrate one after the other; the
                # later ones then find the schema at head.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            from alembic import command

            before = _stored_revision(conn)
            cfg = _config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            after = _stored_revision(conn)
    except DBAPIError as exc:
        raise StorageError(describe_db_error(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"database file is damaged or not a database: {exc}") from None
    finally:
        engine.dispose()
    return before, after or ""


def _sqlite_file_at_head(url: str) -> bool:
    """Whether `url` is a SQLite file already at the newest schema, read with the standard
    library's sqlite3: the common case of every start, answered without a SQLAlchemy engine.
    False when it cannot tell (PostgreSQL, no file yet, another revision, not a database)."""
    path = sqlite_file(url)
    reader = QuickReader.open(path) if path is not None else None
    if reader is None:
        return False
    with reader:
        return True


def ensure_schema(url: str) -> None:
    """Automatic upgrade on start: cheap when already at head."""
    if _sqlite_file_at_head(url):
        return
    if current_revision(url) != head_revision():
        upgrade(url)
