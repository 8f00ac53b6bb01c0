"""A V1 file may hold tables of its owner's own making, named anyhow: they are counted as
unknown, never mistaken for damage (a quote in the name used to break the COUNT query)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from linkpilot.storage.v1_import import read_v1
from tests.fixtures.v1_factory import create_v1_database


@pytest.mark.parametrize("name", ['my"notes', "odd name; DROP TABLE contacts", "é"])
def test_an_extra_table_with_any_name_is_counted(tmp_path: Path, name: str) -> None:
    path = create_v1_database(tmp_path / "linkedin.db", wal=False)
    conn = sqlite3.connect(path)
    quoted = name.replace('"', '""')
    conn.execute(f'CREATE TABLE "{quoted}" (a)')
    conn.executemany(f'INSERT INTO "{quoted}" VALUES (?)', [(1,), (2,)])
    conn.commit()
    conn.close()
    snapshot = read_v1(path)
    assert snapshot.unknown_tables == {name: 2}
    assert len(snapshot.rows["contacts"]) > 0
