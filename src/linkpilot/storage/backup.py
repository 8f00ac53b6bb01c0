"""Online backup: a consistent copy of a live SQLite database, taken while others write."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from linkpilot.common.errors import BadInput, StorageError
from linkpilot.storage.database import sqlite_file


def backup_sqlite(url: str, target: Path) -> Path:
    """Copy the database at `url` to `target` with SQLite's online backup API.

    The copy is written beside the target and renamed into place, so a failed backup never
    leaves a half-written file where a good one is expected.
    """
    source = sqlite_file(url)
    if source is None:
        raise BadInput(
            "db backup copies a SQLite file; this database is on PostgreSQL: back it up with pg_dump"
        )
    if not source.exists():
        raise StorageError(f"no database to back up at {source}")
    target = target.expanduser()
    if target.is_dir():
        raise BadInput(f"backup target is a directory: {target}")
    if not target.parent.is_dir():
        raise BadInput(f"backup folder does not exist: {target.parent}")
    if target.resolve() == source.resolve():
        raise BadInput(f"backup target is the live database itself: {target}")
    partial = target.with_name(f".{target.name}.partial")
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(partial) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"backup failed: {exc}") from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"backup failed writing {target}: {exc.strerror}") from None
    return target
