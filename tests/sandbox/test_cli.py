"""`python -m linkpilot.sandbox` as a subprocess: URL first, clean exit on SIGTERM, exit 2 on bad input."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator

import pytest

COMMAND = [sys.executable, "-m", "linkpilot.sandbox"]


@contextlib.contextmanager
def serving(*args: str) -> Iterator[str]:
    """The site's URL while it runs; it must then stop cleanly on SIGTERM."""
    proc = subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serves_until_sigterm() -> None:
    args = ["--port", "0", "--seed", "7", "--today", "2026-11-26", "--language", "fr", "--markup", "hashed"]
    with serving(*args) as url:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "/__admin/world", timeout=10) as resp:
            assert b'"language": "fr"' in resp.read()
        with urllib.request.urlopen(url + "/login", timeout=10) as resp:
            assert "S’identifier" in resp.read().decode()


def test_serves_a_mutated_markup_by_seed() -> None:
    with serving(
        "--port", "0", "--today", "2026-11-26", "--markup", "mutated", "--mutation-seed", "9"
    ) as url:
        with urllib.request.urlopen(url + "/__admin/config", timeout=10) as resp:
            config = json.loads(resp.read())
        assert (config["markup"], config["mutation_seed"]) == ("mutated", 9)
        with urllib.request.urlopen(url + "/login", timeout=10) as resp:
            assert 'id="username"' not in resp.read().decode()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--today", "26/11/2026"], "--today"),
        (["--language", "de"], "--language"),
        (["--port", "70000"], "--port"),
        (["--people", "3"], "people"),
        (["--markup", "mutated", "--mutation-seed", "x"], "--mutation-seed"),
        (["--markup", "mutated", "--mutation-seed", "-2"], "mutation_seed"),
        # Found by fuzzing: an argument holding a newline used to split the line.
        (["stray\nword"], "unrecognized arguments: stray word"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str], message: str) -> None:
    done = subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=20, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]
