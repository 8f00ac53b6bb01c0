"""deploy/linkpilot-backup: a dated online backup of the real database, old ones pruned."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from tests.deploy.helpers import DEPLOY, script_env

SCRIPT = DEPLOY / "linkpilot-backup"


def backup(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, env=script_env(home), timeout=60, check=False
    )


def linkpilot(home: Path, *args: str) -> None:
    subprocess.run(["linkpilot", *args], env=script_env(home), capture_output=True, check=True, timeout=60)


def blacklisted(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return sorted(str(row[0]) for row in conn.execute("SELECT name FROM blacklist"))


@pytest.fixture
def live_home(home: Path) -> Path:
    linkpilot(home, "db", "upgrade")
    linkpilot(home, "blacklist", "add", "Ada Lovelace")
    return home


def test_names_the_backup_by_date_and_prunes_only_our_old_files(live_home: Path) -> None:
    folder = live_home / "backups"
    folder.mkdir()
    for day in ("2026-10-30", "2026-11-11", "2026-11-12", "2026-11-13"):
        (folder / f"linkpilot-{day}.db").write_text("an older backup")
    for other in ("notes.txt", "linkpilot-latest.db", "linkpilot-2026-01-01.db.gz"):
        (folder / other).write_text("not ours to delete")

    done = backup(live_home, "-k", "3", "-t", "2026-11-14")

    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in folder.iterdir()) == [
        "linkpilot-2026-01-01.db.gz",
        "linkpilot-2026-11-12.db",
        "linkpilot-2026-11-13.db",
        "linkpilot-2026-11-14.db",
        "linkpilot-latest.db",
        "notes.txt",
    ]
    assert [line.split("/")[-1] for line in done.stdout.splitlines() if line.startswith("removed")] == [
        "linkpilot-2026-10-30.db (older than 3 days)",
        "linkpilot-2026-11-11.db (older than 3 days)",
    ]
    fresh = folder / "linkpilot-2026-11-14.db"
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    # A real, complete copy: the row written through the CLI is in it.
    assert blacklisted(fresh) == blacklisted(live_home / "linkpilot.db") != []


def test_a_second_run_the_same_day_replaces_that_days_backup(live_home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    assert backup(live_home, "-d", str(folder), "-t", "2026-11-14").returncode == 0
    linkpilot(live_home, "blacklist", "add", "Grace Hopper")
    assert backup(live_home, "-d", str(folder), "-t", "2026-11-14").returncode == 0
    assert [p.name for p in folder.iterdir()] == ["linkpilot-2026-11-14.db"]
    assert len(blacklisted(folder / "linkpilot-2026-11-14.db")) == 2


def test_default_keeps_fourteen_days_counting_today(live_home: Path) -> None:
    folder = live_home / "backups"
    folder.mkdir()
    (folder / "linkpilot-2026-11-01.db").write_text("15 days before")
    (folder / "linkpilot-2026-11-02.db").write_text("14 days before")
    (folder / "linkpilot-2026-11-03.db").write_text("13 days before")
    assert backup(live_home, "-t", "2026-11-16").returncode == 0
    assert sorted(p.name for p in folder.iterdir()) == ["linkpilot-2026-11-03.db", "linkpilot-2026-11-16.db"]


def test_a_failed_backup_prunes_nothing(home: Path) -> None:
    folder = home / "backups"
    folder.mkdir(parents=True)
    old = folder / "linkpilot-2020-01-01.db"
    old.write_text("the only backup left")

    done = backup(home, "-k", "1")  # no database was ever created in this home

    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"linkpilot: error: no database to back up at {home / 'linkpilot.db'}"
    ]
    assert old.read_text() == "the only backup left"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-k", "0"), "linkpilot-backup: error: -k: keep at least 1 day, got '0'"),
        (("-k", "ten"), "linkpilot-backup: error: -k: keep at least 1 day, got 'ten'"),
        (("-t", "2026-02-30"), "linkpilot-backup: error: -t: not a date (YYYY-MM-DD): '2026-02-30'"),
    ],
)
def test_bad_options_are_refused_in_one_line(home: Path, args: tuple[str, ...], message: str) -> None:
    done = backup(home, *args)
    assert (done.returncode, done.stderr.strip().splitlines()) == (2, [message])
    assert not (home / "backups").exists()
