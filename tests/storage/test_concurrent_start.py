"""Eight `linkpilot` processes started at once on a new data folder all come up: the schema is
made once, under a lock, on SQLite and on PostgreSQL.

Found: four `linkpilot run birthday` started together on a fresh folder, three exited 1 with
`database error: table blacklist already exists` (each found no schema and made it)."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from linkpilot.storage.migrate import current_revision, head_revision
from tests.faults.realproc import wait_until

# Eight Python processes starting at once on two shared cores take minutes, not seconds.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

PROCESSES = 8
# `linkpilot ARGS` behind a starting gate: everything imported first, then a ready file, then
# wait for the test to open the gate (a shared flock it holds exclusively), so that all the
# processes reach the database within milliseconds of each other whatever the machine's load.
GATED = """
import fcntl, os, sys
from linkpilot.cli.main import main
import linkpilot.cli.commands.run_cmd, linkpilot.cli.campaign_run
gate, ready, *args = sys.argv[1:]
open(os.path.join(ready, str(os.getpid())), "w").close()
with open(gate) as held:
    fcntl.flock(held, fcntl.LOCK_SH)
sys.exit(main(args))
"""


def test_processes_started_together_on_a_new_database_all_come_up(database_url: str, tmp_path: Path) -> None:
    home = tmp_path / "new-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKPILOT_")}
    env |= {"LINKPILOT_HOME": str(home), "LINKPILOT_PACING": "fast"}
    if database_url.startswith("postgresql"):
        env["LINKPILOT_DATABASE_URL"] = database_url
    else:
        database_url = f"sqlite+aiosqlite:///{home / 'linkpilot.db'}"
    gate, ready = tmp_path / "gate", tmp_path / "ready"
    ready.mkdir()
    # No session yet: each run migrates, records its run and stops with exit 5 (no valid session).
    command = [sys.executable, "-c", GATED, str(gate), str(ready), "run", "birthday", "--json"]
    with gate.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        runs = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(PROCESSES)
        ]
        wait_until("every process to be ready", lambda: len(list(ready.iterdir())) == PROCESSES, timeout=300)
    ended = [(run.communicate(timeout=300), run.returncode) for run in runs]

    for (out, err), code in ended:
        assert "already exists" not in err
        assert code == 5, err
        assert json.loads(out)["stopped"]["reason"] == "no_session"
    assert current_revision(database_url) == head_revision()
