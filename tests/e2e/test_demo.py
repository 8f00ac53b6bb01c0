"""The README's first command, without a terminal: `linkpilot demo --check` sets everything up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_demo_check_sets_up_site_data_and_session_and_plans(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKPILOT_")}
    folder = tmp_path / "demo"
    for attempt in range(2):  # the second start wipes and rebuilds its own folder
        result = subprocess.run(
            [sys.executable, "-m", "linkpilot", "demo", "--check", "--home", str(folder)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, (attempt, result.stderr)
        lines = result.stdout.splitlines()
        assert lines[0].startswith(
            f"demo ready in {folder}: 3000 contacts (3000 seeded), practice site http://127.0.0.1:"
        )
        assert lines[1].startswith("birthday plan: 15 to wish, ")
    assert (folder / ".linkpilot-demo").exists()
    assert (folder / "session.enc").exists()
