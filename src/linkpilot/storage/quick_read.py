"""Reading the quota ledger and the breaker straight from the SQLite file, standard library only.

`linkpilot quota status` and `breaker status` are asked often (by hand, by scripts) and only
read; importing SQLAlchemy, its ORM models and Alembic takes several times as long as their
answer (bench/startup.py). So for the default set-up, the SQLite file in the data folder
already at the newest schema, they read here. Anything else (PostgreSQL, a database still to
create or migrate) gets None and goes through the full storage layer, which tests hold to
the same answers (tests/storage/test_quick_read.py); the methods here take and return what
storage/quota_events.py's and breaker_rows.py's do, so the engine reads both alike.

Times are read and compared as SQLAlchemy writes them on SQLite: naive UTC text,
`YYYY-MM-DD HH:MM:SS.ffffff`, which sorts as it compares.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from linkpilot.storage.schema_version import head_revision

STORED_TIME = "%Y-%m-%d %H:%M:%S.%f"


def stored_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(STORED_TIME)


def read_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


class QuickReadFailed(Exception):
    """The quick read could not answer (a table missing, a damaged page): the full storage
    layer must, and will say what is wrong in its own words."""


class QuickReader:
    """One read-only look at the database; a context manager that closes the connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @classmethod
    def open(cls, path: Path) -> QuickReader | None:
        """The reader, or None when the full storage layer must answer (no database file yet,
        or one at another schema revision, or not a database at all)."""
        if not path.is_file():
            return None
        try:
            # mode=rw: never creates the file; reading only, as the engine's own readers do in WAL.
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
        except sqlite3.Error:
            return None
        try:
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        except sqlite3.Error:
            conn.close()
            return None
        if rows != [(head_revision(),)]:
            conn.close()
            return None
        return cls(conn)

    def __enter__(self) -> QuickReader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.conn.close()

    def _rows(self, sql: str, params: Sequence[Any]) -> list[Any]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise QuickReadFailed(str(exc)) from None

    def quota_counts(
        self, action: str, states: Sequence[str], since: Sequence[datetime], horizon: datetime
    ) -> tuple[int, ...]:
        """Units of `action` in `states` at or after each of `since`, looking back to `horizon`."""
        marks = ", ".join("?" for _ in states)
        sums = ", ".join("coalesce(sum(at >= ?), 0)" for _ in since)
        # Only "?" placeholders and fixed text are formatted in; every value is a parameter.
        sql = f"SELECT {sums} FROM quota_events WHERE action = ? AND state IN ({marks}) AND at >= ?"  # nosec B608
        [row] = self._rows(
            sql,
            [*(stored_time(s) for s in since), action, *states, stored_time(horizon)],
        )
        return tuple(int(n) for n in row)

    def first_quota_use(self, states: Sequence[str]) -> datetime | None:
        marks = ", ".join("?" for _ in states)
        sql = f"SELECT min(at) FROM quota_events WHERE state IN ({marks})"  # nosec B608
        [(first,)] = self._rows(sql, states)
        return read_time(first)

    def breaker_row(self, name: str) -> dict[str, Any] | None:
        """The breaker_state row of `name`, its times aware, or None while it was never written."""
        self.conn.row_factory = sqlite3.Row
        try:
            rows = self._rows("SELECT * FROM breaker_state WHERE name = ?", (name,))
        finally:
            self.conn.row_factory = None
        if not rows:
            return None
        data = dict(rows[0])
        for key in ("opened_at", "retry_at", "updated_at"):
            data[key] = read_time(data[key])
        return data
