"""A pytest plugin that fails the run when it leaves a process behind, naming each one.

Every process a test starts — `linkpilot`, the practice site, Chromium, redis-server,
PostgreSQL, tmux servers, faketime, whatever they start in turn — inherits this run's mark in
its environment, and the test that was running in `LP_LEAKCHECK_TEST`. When the run is over
(after pytest-xdist's workers and every session fixture have ended), the process that started
the run looks through /proc for anything still carrying its mark. Unlike a walk down the
process tree, this also finds orphans: a console whose tmux server was killed is a child of
init, not of pytest.

Processes that are already on their way out (Chromium's helpers a few hundred milliseconds
after their browser) are given a short while; whatever is still there then is named with the
test that started it, the run fails, and the survivors are killed so the machine is left clean.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

RUN = "LP_LEAKCHECK_RUN"
TEST = "LP_LEAKCHECK_TEST"
# A process that ends by itself ends well within this after the last test (Chromium's helpers,
# a server's children); one still running then has been forgotten.
SETTLE_S = 5.0


@dataclass(frozen=True)
class Survivor:
    pid: int
    command: str
    test: str


def _environ(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:  # gone, or another user's
        return {}
    pairs = (item.partition(b"=") for item in raw.split(b"\0") if item)
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, _, v in pairs}


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # Fields follow the command name, which may hold spaces and parentheses. A zombie has ended.
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    text = raw.replace(b"\0", b" ").decode(errors="replace").strip()
    return text if len(text) <= 200 else text[:199] + "…"


def survivors(mark: str, *, exclude: frozenset[int]) -> list[Survivor]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in exclude:
            continue
        pid = int(entry)
        env = _environ(pid)
        if env.get(RUN) == mark and _running(pid):
            found.append(Survivor(pid, _command(pid), env.get(TEST, "?")))
    return sorted(found, key=lambda s: s.pid)


def _runs_the_session(config: pytest.Config) -> bool:
    # The xdist controller, or pytest without workers; a worker is not where the run ends.
    return not hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    if _runs_the_session(config):
        # Set before xdist starts its workers, so they and all they start inherit it.
        os.environ[RUN] = uuid.uuid4().hex


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> object:
    os.environ[TEST] = item.nodeid
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_sessionfinish(session: pytest.Session) -> object:
    # After every other sessionfinish, xdist's (which ends the workers) included.
    yield
    mark = os.environ.get(RUN)
    if mark is None or not _runs_the_session(session.config):
        return
    exclude = frozenset({os.getpid()})
    deadline = time.monotonic() + SETTLE_S
    left = survivors(mark, exclude=exclude)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = survivors(mark, exclude=exclude)
    if not left:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"{len(left)} process(es) outlived the test run (now killed):"]
    lines += [f"  pid {s.pid} started by {s.test}: {s.command}" for s in left]
    for line in lines:
        if reporter is not None:
            reporter.write_line(line, red=True)
        else:
            print(line)
    for survivor in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(survivor.pid, signal.SIGKILL)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
