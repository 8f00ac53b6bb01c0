"""What every fuzz case must end in: correct behaviour, or one clear line and nothing written."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

# Bounded so the whole fuzz suite stays near a minute on two shared cores. The example database
# is off: tests move the working directory into tmp folders, where it would only litter.
FUZZ = settings(
    deadline=None,
    max_examples=100,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEW = settings(FUZZ, max_examples=40)

# The log is allowed to grow when a command refuses its input; nothing else is.
_VOLATILE = ("linkpilot.log",)


def assert_refused(result: Any, code: int = 2, *, secrets: Iterable[str] = ()) -> None:
    """One line on stderr, `linkpilot: error...`, the promised exit code, no traceback."""
    assert result.code == code, (result.code, result.out, result.err)
    lines = terminal_lines(result.err)
    assert len(lines) == 1, result.err
    assert lines[0].startswith("linkpilot: error"), result.err
    assert_no_crash(result)
    for secret in secrets:
        assert secret not in result.err
        assert secret not in result.out


def terminal_lines(text: str) -> list[str]:
    """Lines as a terminal shows them: str.splitlines would also split at \x1c-\x1e and \x85."""
    return text.removesuffix("\n").split("\n") if text else []


def assert_no_crash(result: Any, home: Path | None = None) -> None:
    text = result.out + result.err
    assert "Traceback" not in text, text
    assert "internal error" not in text, text
    if home is not None:
        assert not (home / "crash.log").exists(), (home / "crash.log").read_text()


def _db_dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def data_state(folder: Path) -> dict[str, Any]:
    """What the data folder holds: each database as its SQL content (a checkpoint may move
    bytes between the file and its -wal without changing a row), every other file byte for byte."""
    if not folder.exists():
        return {}
    state: dict[str, Any] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if not path.is_file() or path.name.startswith(_VOLATILE):
            continue
        if path.name.endswith(("-wal", "-shm", "-journal")):
            continue
        if path.suffix == ".db":
            state[name] = _db_dump(path)
        else:
            state[name] = path.read_bytes()
    return state
