"""The leak check (tests/leakcheck.py) fails a run that leaves a process behind, naming it and
the test that started it, finds it even as an orphan, and kills it; a clean run passes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.leakcheck import running

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

LEAKY = """
import subprocess
from pathlib import Path

HELPERS = []


def test_forgets_a_server(tmp_path):
    # Its parent (the shell) gone: an orphan, as a console under a killed tmux server.
    subprocess.run(["sh", "-c", "sleep 300 & echo $! > pid"], cwd=tmp_path, check=True)
    Path("{pidfile}").write_text((tmp_path / "pid").read_text())


def test_forgets_a_helper():
    # Ends when pytest's end closes its input, as a Playwright driver left running does.
    HELPERS.append(subprocess.Popen(["cat"], stdin=subprocess.PIPE))
    Path("{pidfile}.helper").write_text(str(HELPERS[0].pid))


def test_cleans_up():
    subprocess.run(["true"], check=True)
"""


def _inner_pytest(tmp_path: Path, source: str, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(source))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # Outside the repository's settings, with only the leak check as a plugin.
    isolated = [
        "-c",
        os.devnull,
        "--rootdir",
        str(tmp_path),
        "-p",
        "tests.leakcheck",
        "-p",
        "no:cacheprovider",
    ]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *isolated, "-q", *args, str(tmp_path / "test_inner.py")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["alone", "xdist"])
def test_a_forgotten_process_fails_the_run_and_is_named_and_killed(
    tmp_path: Path, workers: list[str]
) -> None:
    pidfile = tmp_path / "leaked.pid"
    result = _inner_pytest(tmp_path, LEAKY.format(pidfile=pidfile), *workers)

    orphan, helper = int(pidfile.read_text()), int(Path(f"{pidfile}.helper").read_text())
    assert result.returncode == 1, result.stdout + result.stderr
    assert "3 passed" in result.stdout
    assert "2 process(es) outlived their test (now killed):" in result.stdout
    assert f"pid {orphan} started by test_inner.py::test_forgets_a_server: sleep 300" in result.stdout
    assert f"pid {helper} started by test_inner.py::test_forgets_a_helper: cat" in result.stdout
    assert not running(orphan)
    assert not running(helper)


def test_a_clean_run_passes(tmp_path: Path) -> None:
    result = _inner_pytest(tmp_path, "def test_nothing():\n    assert True\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "outlived" not in result.stdout
