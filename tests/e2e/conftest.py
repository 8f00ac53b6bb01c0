"""End to end: the real `linkpilot` CLI in subprocesses against the practice site in another one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.practice_site import (
    ALWAYS_OPEN_ENV,
    SAFE_INSTANT,
    SAFE_TODAY,
    ZONE,
    MovedClock,
    SiteProcess,
    start_site_process,
)

# Every process of a test (the site, each `linkpilot` run) reads this moved clock, whatever
# the real date and hour: the expectations below are about 2026-11-26 in Paris, 10:00.
TODAY = SAFE_TODAY.isoformat()

Site = SiteProcess


@pytest.fixture
def shared_clock() -> MovedClock:
    """The test's clock, moved to a safe instant (see tests/practice_site.py)."""
    return MovedClock.to(SAFE_INSTANT)


@pytest.fixture(params=["en", "fr"])
def site(request: pytest.FixtureRequest, shared_clock: MovedClock) -> Iterator[Site]:
    running = start_site_process(clock=shared_clock, language=request.param)
    yield running
    running.stop()


@pytest.fixture
def site_en(shared_clock: MovedClock) -> Iterator[Site]:
    running = start_site_process(clock=shared_clock, language="en")
    yield running
    running.stop()


@dataclass
class Operator:
    """The owner at the terminal: one data folder, one environment, real `linkpilot` processes."""

    env: dict[str, str]
    home: Path

    def run(
        self, *args: str, crash_at: str | None = None, timeout: float = 180
    ) -> subprocess.CompletedProcess[str]:
        env = dict(self.env)
        if crash_at:
            env["LP_CRASH_AT"] = crash_at
        return subprocess.run(
            [sys.executable, "-m", "linkpilot", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def run_json(self, *args: str) -> tuple[int, dict[str, Any]]:
        result = self.run(*args, "--json")
        assert result.stdout.strip(), result.stderr
        return result.returncode, json.loads(result.stdout)


def make_operator(tmp_path: Path, site: Site, *, clock: MovedClock | None = None, **limits: str) -> Operator:
    """The owner's `linkpilot` on the site's clock (or on `clock`, to make the box's clock wrong)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINKPILOT_", "LP_", "FAKETIME"))}
    moved = clock or site.clock
    if moved is not None:
        env |= moved.env()
    home = tmp_path / "home"
    env |= {
        "LINKPILOT_HOME": str(home),
        "LINKPILOT_LINKEDIN_URL": site.url,
        "LINKPILOT_PACING": "fast",
        "LINKPILOT_TIMEZONE": ZONE,
        # Working hours have their own tests; these ones are open all day.
        **ALWAYS_OPEN_ENV,
    }
    env |= {f"LINKPILOT_LIMITS__MESSAGES__{k.upper()}": v for k, v in limits.items()}
    operator = Operator(env, home)
    imported = operator.run("session", "import", "--li-at", "sandbox-li-at")
    assert imported.returncode == 0, imported.stderr
    return operator
