"""Reading a V1 database without ever changing it.

Decision: the V1 file is only ever opened with `mode=ro`, and only when it is a plain
rollback-journal database with no companion file beside it. When the file is in WAL mode
(the header says so: V1 always switches to WAL) or has a `-wal`, `-shm` or `-journal`
companion (a V1 bot may be running), the file and its `-wal`/`-journal` are first copied
into a private temporary folder and the copy is read: a read-only connection on a WAL file
would otherwise create or write `-shm`/`-wal` files beside the user's database. The `-shm`
file is never copied: it is a cache SQLite rebuilds from the WAL. A copy taken while the
bot writes is checked (size and mtime unchanged across the copy, `quick_check` passes) and
retried a few times before giving up with one clear line. The copy itself is opened
read-write (with `query_only`): SQLite must be able to recover its WAL or roll back a hot
journal (a write the bot was in the middle of) before it can be read.

Everything is read into memory inside one read transaction, then the connection is closed:
the importer never holds the V1 file open while it writes.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linkpilot.common.errors import BadInput

SQLITE_HEADER = b"SQLite format 3\x00"
KNOWN_SCHEMA_VERSION = 4
COPY_ATTEMPTS = 3

# The tables the importer reads, with the columns it needs. Columns a V1 version never
# created (later migrations added them) are read as NULL.
IMPORTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "contacts": ("id", "name", "linkedin_url", "notes", "created_at"),
    "birthday_messages": (
        "id",
        "contact_id",
        "contact_name",
        "message_text",
        "sent_at",
        "is_late",
        "days_late",
    ),
    "profile_visits": ("id", "profile_name", "profile_url", "visited_at", "success", "error_message"),
    "scraped_profiles": (
        "id",
        "profile_url",
        "first_name",
        "last_name",
        "full_name",
        "headline",
        "summary",
        "current_company",
        "education",
        "years_experience",
        "skills",
        "fit_score",
        "scraped_at",
        "location",
        "languages",
        "work_history",
        "connection_degree",
        "school",
        "degree",
        "job_title",
        "open_to_work",
    ),
    "blacklist": ("id", "contact_name", "linkedin_url", "reason", "added_at", "added_by", "is_active"),
}
# Every V1 version created these two: without them the file is not a V1 database.
REQUIRED_TABLES = ("contacts", "birthday_messages")
# Columns without which a table's rows cannot be imported at all.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "contacts": ("id", "name"),
    "birthday_messages": ("id", "contact_name", "sent_at"),
    "profile_visits": ("id", "visited_at"),
    "scraped_profiles": ("id", "profile_url"),
    "blacklist": ("id", "contact_name"),
}
# Tables read only to be counted in the report, each with why it is left behind.
NOT_IMPORTED: dict[str, str] = {
    "notification_settings": "e-mail settings with an SMTP password in clear: never imported",
    "notification_logs": "e-mail notification history: not imported by design",
    "campaigns": "V1 search campaigns: LinkPilot plans its own from settings",
    "errors": "V1 error log: not imported by design",
    "linkedin_selectors": "V1 selectors: LinkPilot ships and learns its own",
    "bot_executions": "V1 run history: not imported by design",
    "schema_version": "V1 migration bookkeeping",
}


@dataclass(frozen=True)
class V1Snapshot:
    """Everything the importer needs from one V1 file, read at one instant."""

    path: Path
    schema_version: int | None
    copied: bool
    rows: dict[str, list[dict[str, Any]]]
    missing_tables: tuple[str, ...]
    missing_columns: dict[str, tuple[str, ...]]
    not_imported: dict[str, int]
    unknown_tables: dict[str, int]
    warnings: tuple[str, ...] = field(default=())


def read_v1(path: Path) -> V1Snapshot:
    """Read a V1 database; raise BadInput with one line naming the file for anything wrong."""
    path = path.expanduser()
    _check_file(path)
    with _readable_copy(path) as (readable, copied):
        # The private copy is opened read-write: a hot journal in it must be rolled back (and a
        # WAL recovered) before it can be read. query_only still forbids every write statement.
        uri = readable.resolve().as_uri() + ("" if copied else "?mode=ro")
        try:
            conn = sqlite3.connect(uri, uri=True)
        except sqlite3.Error as exc:
            raise BadInput(f"cannot open V1 database {path}: {exc}") from None
        try:
            return _read(conn, path, copied)
        except sqlite3.DatabaseError as exc:
            raise BadInput(f"V1 database is damaged ({exc}): {path}") from None
        finally:
            conn.close()


def _check_file(path: Path) -> None:
    if not path.exists():
        raise BadInput(f"V1 database not found: {path}")
    if path.is_dir():
        raise BadInput(f"V1 database path is a directory, not a file: {path}")
    if not path.is_file():
        # A FIFO or device would block or stream forever: only regular files are databases.
        raise BadInput(f"V1 database path is not a regular file: {path}")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except PermissionError:
        raise BadInput(f"cannot read V1 database (permission denied): {path}") from None
    except OSError as exc:
        raise BadInput(f"cannot read V1 database ({exc.strerror}): {path}") from None
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        raise BadInput(f"not a SQLite database: {path}")


def _companions(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _in_wal_mode(path: Path) -> bool:
    with path.open("rb") as handle:
        header = handle.read(20)
    # Bytes 18 and 19 are the file format write/read versions: 2 means WAL.
    return header[18] == 2 or header[19] == 2


def _needs_copy(path: Path) -> bool:
    return _in_wal_mode(path) or any(p.exists() for p in _companions(path))


@contextmanager
def _readable_copy(path: Path) -> Iterator[tuple[Path, bool]]:
    if not _needs_copy(path):
        yield path, False
        return
    with tempfile.TemporaryDirectory(prefix="linkpilot-v1-") as tmp:
        yield _stable_copy(path, Path(tmp)), True


def _signature(path: Path) -> tuple[tuple[int, int], ...]:
    sig = []
    for p in (path, *_companions(path)[::2]):  # the file, its -wal and its -journal
        try:
            st = p.stat()
            sig.append((st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            sig.append((-1, -1))
    return tuple(sig)


def _stable_copy(path: Path, folder: Path) -> Path:
    target = folder / "v1.db"
    for _ in range(COPY_ATTEMPTS):
        for stale in (target, *_companions(target)):
            stale.unlink(missing_ok=True)
        before = _signature(path)
        try:
            shutil.copyfile(path, target)
            for companion, suffix in ((_companions(path)[0], "-wal"), (_companions(path)[2], "-journal")):
                if companion.exists():
                    shutil.copyfile(companion, target.with_name(target.name + suffix))
        except PermissionError:
            raise BadInput(
                f"cannot read V1 database (permission denied on a companion file): {path}"
            ) from None
        except OSError as exc:
            raise BadInput(f"cannot copy V1 database ({exc.strerror}): {path}") from None
        if _signature(path) == before:
            return target
    raise BadInput(f"V1 database kept changing while being copied; stop the V1 bot and try again: {path}")


def _tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {str(name) for (name,) in rows if not str(name).startswith("sqlite_")}


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {str(row[1]) for row in conn.execute(f'PRAGMA table_info("{table}")')}


def _schema_version(conn: sqlite3.Connection, tables: set[str], path: Path) -> int | None:
    if "schema_version" not in tables or "version" not in _columns(conn, "schema_version"):
        return None
    value = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadInput(f"V1 schema version {value!r} is not a number: {path}") from None


def _read(conn: sqlite3.Connection, path: Path, copied: bool) -> V1Snapshot:
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA query_only = ON")
    check = conn.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise BadInput(f"V1 database is damaged ({check}): {path}")
    # One read transaction: every table is read at the same instant.
    conn.execute("BEGIN")
    tables = _tables(conn)
    absent = [t for t in REQUIRED_TABLES if t not in tables]
    if absent:
        raise BadInput(f"not a V1 LinkedIn bot database (no {' or '.join(absent)} table): {path}")
    version = _schema_version(conn, tables, path)
    warnings: list[str] = []
    if version is None:
        warnings.append("no schema version recorded: an early V1; missing columns are read as empty")
    elif version > KNOWN_SCHEMA_VERSION:
        raise BadInput(
            f"V1 schema version {version} is newer than this importer knows ({KNOWN_SCHEMA_VERSION}): {path}"
        )
    elif version < KNOWN_SCHEMA_VERSION:
        warnings.append(
            f"V1 schema version {version} (expected {KNOWN_SCHEMA_VERSION}): an older V1; "
            "missing columns are read as empty"
        )
    rows: dict[str, list[dict[str, Any]]] = {}
    missing_columns: dict[str, tuple[str, ...]] = {}
    for table, wanted in IMPORTED_COLUMNS.items():
        if table not in tables:
            continue
        present = _columns(conn, table)
        lacking = [c for c in REQUIRED_COLUMNS[table] if c not in present]
        if lacking:
            raise BadInput(f"V1 table {table} has no {', '.join(lacking)} column: {path}")
        absent_cols = tuple(c for c in wanted if c not in present)
        if absent_cols:
            missing_columns[table] = absent_cols
        select = ", ".join(f'"{c}"' if c in present else f'NULL AS "{c}"' for c in wanted)
        # Table and column names are this module's constants, never the file's.
        rows[table] = [dict(r) for r in conn.execute(f'SELECT {select} FROM "{table}" ORDER BY id')]  # nosec
    counts = {t: _count(conn, t) for t in sorted(tables) if t not in IMPORTED_COLUMNS}
    conn.execute("COMMIT")
    return V1Snapshot(
        path=path,
        schema_version=version,
        copied=copied,
        rows=rows,
        missing_tables=tuple(t for t in IMPORTED_COLUMNS if t not in tables),
        missing_columns=missing_columns,
        not_imported={t: n for t, n in counts.items() if t in NOT_IMPORTED},
        unknown_tables={t: n for t, n in counts.items() if t not in NOT_IMPORTED},
        warnings=tuple(warnings),
    )


def _count(conn: sqlite3.Connection, table: str) -> int:
    # Only counted, never read: the SMTP password in notification_settings stays where it is.
    # Any table of the file is counted, so its name is quoted as SQLite wants ("" for ").
    quoted = table.replace('"', '""')
    return int(conn.execute(f'SELECT COUNT(*) FROM "{quoted}"').fetchone()[0])  # nosec
