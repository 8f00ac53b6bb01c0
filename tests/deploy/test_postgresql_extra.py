"""PostgreSQL's driver is an optional extra (`linkpilot[postgresql]`): what an install without it does.

The default container image has no psycopg; scripts/image-smoke checks the same line there.
Here the driver, which the test environment has, is made unimportable for one `linkpilot`
process (`sys.modules["psycopg"] = None`), as it is on an install without the extra.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.deploy.helpers import REPO

WITHOUT_PSYCOPG = (
    "import sys; sys.modules['psycopg'] = None\n"
    "from linkpilot.cli.main import main\n"
    "code = main(sys.argv[1:])\n"
    "assert 'psycopg' not in sys.modules or sys.modules['psycopg'] is None\n"
    "sys.exit(code)\n"
)


def linkpilot_without_psycopg(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LINKPILOT_")}
    environ |= {"LINKPILOT_HOME": str(home), **env}
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_PSYCOPG, *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_postgresql_url_without_the_driver_is_one_line_exit_2(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = linkpilot_without_psycopg(
        home, "db", "upgrade", LINKPILOT_DATABASE_URL="postgresql://lp:s3cret-pw@127.0.0.1:9/lp"
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith(
        "linkpilot: error: database URL is PostgreSQL but its driver psycopg cannot be loaded"
    )
    assert "pip install 'linkpilot[postgresql]'" in line
    assert "LINKPILOT_EXTRAS=postgresql" in line
    assert "s3cret-pw" not in done.stderr
    assert not (home / "crash.log").exists()


def test_sqlite_never_loads_the_driver(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = linkpilot_without_psycopg(home, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    assert (home / "linkpilot.db").is_file()


def test_psycopg_is_only_in_the_postgresql_extra() -> None:
    with (REPO / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    assert not [r for r in project["dependencies"] if r.startswith("psycopg")]
    assert project["optional-dependencies"]["postgresql"] == ["psycopg[binary]==3.3.9"]
    # The test suite runs on PostgreSQL too: the dev extra brings the driver with it.
    assert "linkpilot[postgresql]" in project["optional-dependencies"]["dev"]
