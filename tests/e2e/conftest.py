"""End to end: the real `linkpilot` CLI in subprocesses against the practice site in another one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TODAY = "2026-11-26"


@dataclass
class Site:
    url: str
    process: subprocess.Popen[str]

    def admin(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/__admin/{path}", data=data, method="POST" if data else "GET"
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def messages(self) -> list[dict[str, Any]]:
        return list(self.admin("record")["messages"])


def _start_site(language: str) -> Site:
    proc = subprocess.Popen(
        [sys.executable, "-m", "linkpilot.sandbox", "--port", "0", "--today", TODAY, "--language", language],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    return Site(proc.stdout.readline().strip(), proc)


@pytest.fixture(params=["en", "fr"])
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    running = _start_site(request.param)
    yield running
    running.process.terminate()
    running.process.wait(timeout=10)


@pytest.fixture
def site_en() -> Iterator[Site]:
    running = _start_site("en")
    yield running
    running.process.terminate()
    running.process.wait(timeout=10)


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


def make_operator(tmp_path: Path, site: Site, **limits: str) -> Operator:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINKPILOT_", "LP_"))}
    home = tmp_path / "home"
    env |= {
        "LINKPILOT_HOME": str(home),
        "LINKPILOT_LINKEDIN_URL": site.url,
        "LINKPILOT_PACING": "fast",
        "LINKPILOT_TIMEZONE": "Europe/Paris",
        # The tests run at any hour: the working-hours rule has its own tests.
        "LINKPILOT_WORKING_HOURS__START": "00:00",
        "LINKPILOT_WORKING_HOURS__END": "23:59",
    }
    env |= {f"LINKPILOT_LIMITS__MESSAGES__{k.upper()}": v for k, v in limits.items()}
    operator = Operator(env, home)
    imported = operator.run("session", "import", "--li-at", "sandbox-li-at")
    assert imported.returncode == 0, imported.stderr
    return operator
