"""One import, start to finish: back up, import in one transaction, or rehearse on a scratch copy."""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import closing
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError

from linkpilot.common.clock import utc_now
from linkpilot.common.errors import StorageError
from linkpilot.storage.backup import backup_sqlite
from linkpilot.storage.database import Database, describe_db_error, sqlite_file
from linkpilot.storage.migrate import ensure_schema
from linkpilot.storage.v1_import.importer import import_snapshot
from linkpilot.storage.v1_import.reader import V1Snapshot
from linkpilot.storage.v1_import.report import ImportReport


async def run_import(
    snapshot: V1Snapshot,
    *,
    database_url: str,
    backups_dir: Path,
    zone: ZoneInfo,
    dry_run: bool = False,
    now: datetime | None = None,
) -> ImportReport:
    """Import `snapshot` into the database at `database_url`: all of it, or nothing.

    A real run first backs the SQLite database up to `backups_dir/pre-import-<UTC time>.db`;
    the backup is removed again if the import fails, since the database is then unchanged.
    A dry run writes nothing at all, not even a backup: on SQLite it imports into a scratch
    copy in a temporary folder and rolls back, so its report is the real run's report.
    """
    now = now or utc_now()
    if dry_run:
        return await _rehearse(snapshot, database_url, zone, now)
    ensure_schema(database_url)
    backup = _backup(database_url, backups_dir, now)
    try:
        report = await _apply(snapshot, database_url, zone, now, commit=True)
    except BaseException:
        if backup is not None:
            backup.unlink(missing_ok=True)
        raise
    report.backup = backup
    return report


def _backup(database_url: str, backups_dir: Path, now: datetime) -> Path | None:
    if sqlite_file(database_url) is None:
        return None  # PostgreSQL: the operator's pg_dump is the backup
    try:
        backups_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StorageError(f"cannot create backup folder {backups_dir}: {exc.strerror}") from None
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    target = backups_dir / f"pre-import-{stamp}.db"
    n = 1
    while target.exists():
        n += 1
        target = backups_dir / f"pre-import-{stamp}-{n}.db"
    return backup_sqlite(database_url, target)


async def _rehearse(snapshot: V1Snapshot, database_url: str, zone: ZoneInfo, now: datetime) -> ImportReport:
    live = sqlite_file(database_url)
    if live is None:
        ensure_schema(database_url)
        return await _apply(snapshot, database_url, zone, now, commit=False)
    with tempfile.TemporaryDirectory(prefix="linkpilot-dry-run-") as tmp:
        scratch = Path(tmp) / "dry-run.db"
        if live.exists():
            _scratch_copy(live, scratch)
        scratch_url = f"sqlite+aiosqlite:///{scratch}"
        ensure_schema(scratch_url)
        return await _apply(snapshot, scratch_url, zone, now, commit=False)


def _scratch_copy(live: Path, scratch: Path) -> None:
    """A private copy of the live database for a dry run.

    Not backup_sqlite: its read-only connection would leave -wal/-shm files beside a database
    nobody else has open, and a dry run must leave the data folder exactly as it found it. A
    normal connection that writes nothing removes them again when it closes.
    """
    try:
        with closing(sqlite3.connect(live)) as src, closing(sqlite3.connect(scratch)) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot read the database for a dry run: {exc}") from None


async def _apply(
    snapshot: V1Snapshot, url: str, zone: ZoneInfo, now: datetime, *, commit: bool
) -> ImportReport:
    db = Database(url)
    try:
        async with db.session() as session, session.begin() as tx:
            report = await import_snapshot(session, snapshot, zone=zone, now=now, dry_run=not commit)
            if not commit:
                await tx.rollback()
        return report
    except DBAPIError as exc:
        raise StorageError(describe_db_error(exc)) from exc
    finally:
        await db.dispose()
