"""`python -m linkpilot.sandbox` as a subprocess: URL first, clean exit on SIGTERM, exit 2 on bad input."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

import httpx
import pytest

from tests.practice_site import PARIS, MovedClock, start_site_process

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
        (["--timezone", "Mars/Olympus_Mons"], "unknown time zone 'Mars/Olympus_Mons'"),
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


@pytest.mark.parametrize(
    "at",
    [
        pytest.param(dt.datetime(2027, 1, 1, 0, 30, tzinfo=PARIS), id="new-year-00:30-paris"),
        pytest.param(dt.datetime(2026, 3, 29, 3, 30, tzinfo=PARIS), id="dst-spring-03:30-paris"),
    ],
)
def test_a_site_on_a_moved_clock_tells_its_time_and_lives_on_its_local_date(at: dt.datetime) -> None:
    site = start_site_process(clock=MovedClock.to(at))
    try:
        response = site.http.get("clock")
        told = parsedate_to_datetime(response.headers["date"])
        assert abs(told - at) < dt.timedelta(seconds=30), (told, at)
        clock = response.json()
        assert clock["timezone"] == "Europe/Paris"
        # The member's local date, not the UTC one (00:30 in Paris is still 31 December in UTC).
        assert clock["today"] == at.date().isoformat() == site.admin("world")["config"]["today"]
        assert abs(dt.datetime.fromisoformat(clock["now"]) - at) < dt.timedelta(seconds=30)
        # Every answer carries it, redirects included.
        redirect = httpx.get(f"{site.url}/feed/", follow_redirects=False, timeout=10)
        assert redirect.status_code == 302
        assert abs(parsedate_to_datetime(redirect.headers["date"]) - at) < dt.timedelta(seconds=30)
    finally:
        site.stop()
