"""Storage failures on real processes: the database locked by another process, a damaged
database file, a full disk. Each is a clear one-line stop and nothing half-written."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROWS = 3000


def write_csv(path: Path, rows: int, tag: str = "p") -> Path:
    lines = ["profile_url,name,headline"]
    lines += [f"https://www.linkedin.com/in/{tag}-{i}/,Person {i},{'x' * 150}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def linkpilot(
    home: Path, *args: str, limit_file_bytes: int | None = None
) -> subprocess.CompletedProcess[str]:
    def limits() -> None:
        if limit_file_bytes is not None:
            # Past the limit write() fails with EFBIG instead of the process being killed.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_bytes, limit_file_bytes))

    return subprocess.run(
        [sys.executable, "-m", "linkpilot", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "LINKPILOT_HOME": str(home)},
        timeout=120,
        check=False,
        preexec_fn=limits if limit_file_bytes is not None else None,
    )


def contacts(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM contacts").fetchone()[0])
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def assert_one_line_stop(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"linkpilot: error: {expected}"), result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.fixture
def seeded(home: Path, tmp_path: Path) -> Path:
    first = linkpilot(home, "contacts", "import", str(write_csv(tmp_path / "first.csv", 5, "seed")))
    assert first.returncode == 0, first.stderr
    return home / "linkpilot.db"


def test_database_locked_by_another_process(seeded: Path, home: Path, tmp_path: Path) -> None:
    """Another process holds the write lock for longer than the busy timeout (5 s)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"c = sqlite3.connect({str(seeded)!r}, isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('locked', flush=True)\n"
            "sys.stdin.readline()\n"
            "c.execute('ROLLBACK')\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        result = linkpilot(home, "contacts", "import", str(write_csv(tmp_path / "more.csv", 50)))
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    assert_one_line_stop(result, "database is locked by another process")
    assert contacts(seeded) == 5
    # Once the other process is done, the same import goes through.
    again = linkpilot(home, "contacts", "import", str(tmp_path / "more.csv"))
    assert again.returncode == 0, again.stderr
    assert contacts(seeded) == 55


def test_a_damaged_database_file(seeded: Path, home: Path, tmp_path: Path) -> None:
    """A page in the middle of the file overwritten (a bad sector, a torn copy): commands stop
    with one line and the file is left exactly as it was, for the operator to restore."""
    data = bytearray(seeded.read_bytes())
    page = 4096
    assert len(data) >= 4 * page
    for at in range(2 * page, len(data), page):
        data[at : at + 64] = b"\xde\xad\xbe\xef" * 16
    seeded.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(str(seeded) + suffix).unlink(missing_ok=True)
    before = seeded.read_bytes()
    for args in (("contacts", "import", str(write_csv(tmp_path / "more.csv", 10))), ("contacts", "list")):
        result = linkpilot(home, *args)
        assert_one_line_stop(result, "database")
        assert "damaged" in result.stderr or "malformed" in result.stderr, result.stderr
        assert seeded.read_bytes() == before, args


@contextlib.contextmanager
def small_disk(where: Path, size: str, *, mount: bool) -> Iterator[str]:
    """A size-limited tmpfs when asked and we may mount one (root in this container), else a
    file-size limit on the child process (write() fails with EFBIG): either way a real failed
    write, the first ENOSPC as on a full SD card, the second anywhere."""
    where.mkdir()
    mounted = (
        mount
        and os.geteuid() == 0
        and subprocess.run(
            [
                "mount",
                "-t",
                "tmpfs",
                "-o",
                f"size={size},mode=0700",
                f"lp-{uuid.uuid4().hex[:8]}",
                str(where),
            ],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    try:
        yield "tmpfs" if mounted else "rlimit"
    finally:
        if mounted:
            subprocess.run(["umount", str(where)], check=True)


@pytest.mark.parametrize("mount", [True, False], ids=["tmpfs-if-permitted", "file-size-limit"])
def test_a_full_disk(tmp_path: Path, mount: bool) -> None:
    disk = tmp_path / "disk"
    with small_disk(disk, "1m", mount=mount) as how:
        home = disk / "home"
        seed = linkpilot(home, "contacts", "import", str(write_csv(tmp_path / "seed.csv", 5, "seed")))
        assert seed.returncode == 0, seed.stderr
        db = home / "linkpilot.db"
        limit = None
        if how == "tmpfs":
            # Fill what is left but a few pages: the big import cannot fit.
            with contextlib.suppress(OSError), (disk / "filler").open("wb") as filler:
                while True:
                    filler.write(b"\0" * 4096)
                    filler.flush()
            (disk / "filler").write_bytes(b"\0" * max(0, (disk / "filler").stat().st_size - 48 * 1024))
        else:
            limit = db.stat().st_size + 64 * 1024
        result = linkpilot(
            home, "contacts", "import", str(write_csv(tmp_path / "big.csv", ROWS)), limit_file_bytes=limit
        )
        assert_one_line_stop(result, "database write failed")
        # SQLite names ENOSPC "database or disk is full" and EFBIG "disk I/O error".
        assert ("database or disk is full" if how == "tmpfs" else "disk I/O error") in result.stderr
        assert contacts(db) == 5, how
        assert integrity(db) == "ok"
