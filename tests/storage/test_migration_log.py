"""What a migration writes in the owner's log: the steps it ran, not how Alembic set itself up."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def test_the_log_names_each_upgrade_step_and_nothing_of_alembics_set_up(home: Path) -> None:
    # A process of its own: Alembic says how it set up its plugins once per process.
    done = subprocess.run(
        [sys.executable, "-m", "linkpilot", "db", "upgrade"],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    alembic = [
        line.split(": ", 1)[1]
        for line in (home / "linkpilot.log").read_text(encoding="utf-8").splitlines()
        if re.match(r"\S+ \S+ \w+ alembic\.", line)
    ]
    assert alembic[:2] == [
        "Running upgrade  -> 0001, initial schema",
        "Running upgrade 0001 -> 0002, notification state",
    ]
    assert all(line.startswith("Running upgrade ") for line in alembic)
