"""`linkpilot import-v1`: the report, --json, --dry-run, and one clear line for every bad file."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from linkpilot.storage.migrate import upgrade
from tests.fixtures.v1_factory import (
    EXPECTED,
    EXPECTED_ADDED,
    SMTP_PASSWORD,
    create_v1_database,
    truncate_copy,
)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under the data folder, byte for byte."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def create_target(home: Path) -> None:
    # Not `linkpilot db upgrade`: in-process, that would leave its log handler on this home.
    home.mkdir()
    upgrade(f"sqlite+aiosqlite:///{home / 'linkpilot.db'}")


@pytest.fixture
def v1(tmp_path: Path) -> Path:
    return create_v1_database(tmp_path / "linkedin.db")


def test_import_prints_a_table_and_keeps_a_backup(cli, v1: Path, home: Path) -> None:
    result = cli("import-v1", str(v1))
    assert result.code == 0, result.err
    assert result.err == ""
    lines = result.out.splitlines()
    assert lines[0] == f"V1 database {v1} (schema version 4, read from a private copy)"
    assert "contacts                 10         8       1        1" in lines
    assert "  skipped: 1 inactive in V1 (removed from its blacklist)" in lines
    assert (
        "notification_settings: 1 row not imported (e-mail settings with an SMTP password in clear: never imported)"
        in lines
    )
    assert "schema_version: 4 rows not imported (V1 migration bookkeeping)" in lines
    assert "added 16 contacts, 12 interactions, 3 blacklist entries" in lines
    backups = list((home / "backups").iterdir())
    assert len(backups) == 1
    assert backups[0].name.startswith("pre-import-")
    assert lines[-1] == f"backup of the database before import: {backups[0]}"
    assert SMTP_PASSWORD not in result.out


def test_json_report_adds_up(cli, v1: Path) -> None:
    result = cli("import-v1", str(v1), "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["dry_run"] is False
    assert data["schema_version"] == 4
    assert data["read_from_copy"] is True
    assert {k: data["added"][k] for k in EXPECTED_ADDED} == EXPECTED_ADDED
    for name, expected in EXPECTED.items():
        table = data["tables"][name]
        assert {k: table[k] for k in expected} == expected
        assert table["read"] == table["imported"] + table["merged"] + table["skipped"]
        assert table["merged"] == sum(table["merged_reasons"].values())
        assert table["skipped"] == sum(table["skipped_reasons"].values())
    assert data["not_imported"]["notification_settings"]["rows"] == 1
    assert data["backup"].endswith(".db")
    assert SMTP_PASSWORD not in result.out


def test_second_import_adds_nothing(cli, v1: Path, home: Path) -> None:
    assert cli("import-v1", str(v1)).code == 0
    with sqlite3.connect(home / "linkpilot.db") as conn:
        tables = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        before = {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in tables}
    again = cli("import-v1", str(v1), "--json")
    assert again.code == 0
    with sqlite3.connect(home / "linkpilot.db") as conn:
        after = {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in tables}
    assert after == before
    assert json.loads(again.out)["added"] == {
        "contacts": 0,
        "interactions": 0,
        "blacklist": 0,
        "import_records": 0,
    }


def test_dry_run_writes_nothing(cli, v1: Path, home: Path) -> None:
    fresh = cli("import-v1", str(v1), "--dry-run")
    assert fresh.code == 0, fresh.err
    assert fresh.out.splitlines()[-1] == (
        "dry run: nothing written; would add 16 contacts, 12 interactions, 3 blacklist entries"
    )
    assert not home.exists()
    create_target(home)
    before = snapshot(home)
    result = cli("import-v1", str(v1), "--dry-run", "--json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["dry_run"] is True
    assert data["backup"] is None
    assert data["added"]["contacts"] == EXPECTED_ADDED["contacts"]
    assert snapshot(home) == before


def _bad_files(tmp_path: Path, v1: Path) -> dict[str, tuple[Path, str]]:
    text = tmp_path / "notes.txt"
    text.write_text("name,url\nAda,https://www.linkedin.com/in/ada/\n" * 10)
    no_table = create_v1_database(tmp_path / "nomsg.db", omit_tables=("birthday_messages",))
    newer = create_v1_database(tmp_path / "v5.db", quirks=False)
    with sqlite3.connect(newer) as conn:
        conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (5, '2026-01-01')")
    return {
        "text file": (text, f"linkpilot: error: not a SQLite database: {text}"),
        "truncated": (truncate_copy(v1, tmp_path / "half.db"), "linkpilot: error: V1 database is damaged"),
        "directory": (tmp_path, f"linkpilot: error: V1 database path is a directory, not a file: {tmp_path}"),
        "missing": (tmp_path / "nope.db", f"linkpilot: error: V1 database not found: {tmp_path / 'nope.db'}"),
        "no birthday_messages": (
            no_table,
            f"linkpilot: error: not a V1 LinkedIn bot database (no birthday_messages table): {no_table}",
        ),
        "schema 5": (
            newer,
            f"linkpilot: error: V1 schema version 5 is newer than this importer knows (4): {newer}",
        ),
    }


@pytest.mark.parametrize("dry_run", [False, True])
def test_bad_files_one_line_exit_2_nothing_written(
    cli, tmp_path: Path, v1: Path, home: Path, dry_run: bool
) -> None:
    create_target(home)
    before = snapshot(home)
    for label, (path, message) in _bad_files(tmp_path, v1).items():
        args = ["import-v1", str(path)] + (["--dry-run"] if dry_run else [])
        result = cli(*args)
        assert result.code == 2, label
        assert result.out == "", label
        assert result.err.count("\n") == 1, (label, result.err)
        assert result.err.startswith(message), (label, result.err)
        assert snapshot(home) == before, label
        assert not (home / "backups").exists(), label


def test_unreadable_file_is_refused(tmp_path: Path, v1: Path, home: Path) -> None:
    """Run as root here: drop the capabilities that let root read anything, as a plain user would."""
    setpriv = shutil.which("setpriv")
    assert setpriv is not None, "util-linux setpriv is needed to test permissions as root"
    locked = tmp_path / "locked.db"
    shutil.copyfile(v1, locked)
    locked.chmod(0o000)
    env = {**os.environ, "LINKPILOT_HOME": str(home)}
    command = [sys.executable, "-m", "linkpilot", "import-v1", str(locked)]
    if os.geteuid() == 0:
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"linkpilot: error: cannot read V1 database (permission denied): {locked}\n"
    assert not home.exists()


def test_an_older_v1_is_imported_with_a_warning(cli, tmp_path: Path) -> None:
    old = create_v1_database(tmp_path / "v3.db", version=3, omit_tables=("scraped_profiles",))
    result = cli("import-v1", str(old))
    assert result.code == 0, result.err
    assert (
        "warning: V1 schema version 3 (expected 4): an older V1; missing columns are read as empty"
        in result.out
    )
    assert "scraped_profiles: not in this file (that V1 version never created it)" in result.out
