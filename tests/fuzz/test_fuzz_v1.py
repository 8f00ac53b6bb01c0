"""`linkpilot import-v1` on damaged V1 databases: random bytes, truncation, missing tables and
columns, junk values. Each ends in an import or one line with our data untouched, and the V1
file itself is never modified."""

from __future__ import annotations

import functools
import sqlite3
import tempfile
import uuid
from pathlib import Path
from typing import Any

from hypothesis import assume, event, given
from hypothesis import strategies as st

from tests.fixtures.v1_factory import create_v1_database
from tests.fuzz.helpers import FUZZ, assert_no_crash, assert_refused, data_state

TABLES = (
    "contacts",
    "birthday_messages",
    "profile_visits",
    "scraped_profiles",
    "blacklist",
    "schema_version",
)
JUNK = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.binary(max_size=20),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.sampled_from(
        ["2024-13-45", "9999-99-99T99:99", "", "null", "https://www.linkedin.com/in/[x", "1e999"]
    ),
)


@functools.cache
def pristine() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return create_v1_database(Path(folder) / "v1.db", wal=False).read_bytes()


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


@st.composite
def damaged(draw: st.DrawFn, path: Path) -> str:
    """Write a damaged copy of the fixture to `path`; return what was done, for the report."""
    data = bytearray(pristine())
    how = draw(st.sampled_from(["bytes", "truncate", "drop-table", "drop-column", "junk"]))
    if how == "bytes":
        for _ in range(draw(st.integers(1, 6))):
            at = draw(st.integers(0, len(data) - 1))
            chunk = draw(st.binary(min_size=1, max_size=16))
            data[at : at + len(chunk)] = chunk
        path.write_bytes(bytes(data))
    elif how == "truncate":
        path.write_bytes(bytes(data[: draw(st.integers(0, len(data) - 1))]))
    else:
        path.write_bytes(bytes(data))
        conn = sqlite3.connect(path)
        try:
            for _ in range(draw(st.integers(1, 3))):
                table = draw(st.sampled_from(TABLES))
                present = columns(conn, table)
                if not present:
                    continue
                if how == "drop-table":
                    conn.execute(f"DROP TABLE {table}")
                elif how == "drop-column":
                    column = draw(st.sampled_from(present))
                    try:
                        conn.execute(f'ALTER TABLE {table} DROP COLUMN "{column}"')
                    except sqlite3.OperationalError:
                        continue  # SQLite keeps key and UNIQUE columns
                else:
                    column = draw(st.sampled_from(present))
                    conn.execute(
                        f'UPDATE {table} SET "{column}" = ? WHERE rowid IN (SELECT rowid FROM {table} LIMIT ?)',
                        (draw(JUNK), draw(st.integers(1, 3))),
                    )
            conn.commit()
        except sqlite3.IntegrityError:
            conn.rollback()
        finally:
            conn.close()
    return how


def check_import(cli: Any, home: Path, path: Path, *flags: str) -> None:
    original = path.read_bytes()
    before = data_state(home)
    result = cli("import-v1", str(path), *flags)
    assert_no_crash(result, home)
    event(f"exit {result.code}")
    assert path.read_bytes() == original, "the V1 file was modified"
    assert not any(path.parent.glob(path.name + "-*")), "companion files were left beside the V1 file"
    if result.code != 0:
        assert_refused(result)
        assert data_state(home) == before
        return
    assert result.err == ""
    if "--dry-run" in flags:
        assert data_state(home) == before
    else:
        assert "backup of the database before import" in result.out.splitlines()[-1]


@FUZZ
@given(data=st.data(), dry_run=st.booleans())
def test_damaged_v1_files(cli: Any, home: Path, tmp_path: Path, data: st.DataObject, dry_run: bool) -> None:
    # A file of its own per example: nothing an earlier example left can lock this one.
    path = tmp_path / f"linkedin-{uuid.uuid4().hex}.db"
    how = data.draw(damaged(path), label="damage")
    assume(path.exists())
    event(how)
    check_import(cli, home, path, *(("--dry-run",) if dry_run else ()))
