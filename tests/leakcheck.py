"""A pytest plugin that fails the run when it leaves a process behind, naming each one.

Every process a test starts — `linkpilot`, the practice site, Chromium, redis-server,
PostgreSQL, tmux servers, faketime, whatever they start in turn — inherits this run's mark in
its environment, and the test that was running in `LP_LEAKCHECK_TEST`. Two looks, once every
test and session fixture has ended:

- each pytest-xdist worker, before it exits, looks for its own descendants: a Playwright
  driver a test forgot to stop dies with the worker, so only the worker can still see it;
- the process that started the run looks through /proc for anything still carrying its mark
  once the workers are gone. Unlike a walk down the process tree this finds orphans: a console
  whose tmux server was killed is a child of init, not of pytest.

Processes already on their way out (Chromium's helpers a few hundred milliseconds after their
browser) are given a short while; whatever is still there then is named with the test that
started it, the run fails, and the survivors are killed so the machine is left clean.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

RUN = "LP_LEAKCHECK_RUN"
TEST = "LP_LEAKCHECK_TEST"
# Where the workers leave what they found for the process that reports.
FOUND = "LP_LEAKCHECK_FOUND"
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


def running(pid: int) -> bool:
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


def _descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                children[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry))
    found: set[int] = set()
    stack = [root]
    while stack:
        for child in children[stack.pop()]:
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def survivors(
    mark: str, *, among: set[int] | None = None, exclude: frozenset[int] = frozenset()
) -> list[Survivor]:
    """Running processes carrying `mark` (of those in `among`, if given), but `exclude`."""
    pids = among if among is not None else {int(e) for e in os.listdir("/proc") if e.isdigit()}
    found = []
    for pid in pids - exclude:
        env = _environ(pid)
        if env.get(RUN) == mark and running(pid):
            found.append(Survivor(pid, _command(pid), env.get(TEST, "?")))
    return sorted(found, key=lambda s: s.pid)


def _settled(look: Callable[[], list[Survivor]]) -> list[Survivor]:
    """What `look` still finds once processes on their way out have had SETTLE_S to go."""
    deadline = time.monotonic() + SETTLE_S
    left = look()
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = look()
    return left


def _kill(found: list[Survivor]) -> None:
    for survivor in found:
        with contextlib.suppress(ProcessLookupError):
            os.kill(survivor.pid, signal.SIGKILL)


def _line(survivor: Survivor) -> str:
    return f"  pid {survivor.pid} started by {survivor.test}: {survivor.command}"


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    if not _is_worker(config):
        # Set before xdist starts its workers, so they and all they start inherit them.
        os.environ[RUN] = uuid.uuid4().hex
        os.environ[FOUND] = tempfile.mkdtemp(prefix="lp-leakcheck-")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> object:
    os.environ[TEST] = item.nodeid
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_sessionfinish(session: pytest.Session) -> object:
    # After every other sessionfinish, xdist's (which ends the workers) included.
    yield
    mark, folder = os.environ.get(RUN), os.environ.get(FOUND)
    if mark is None or folder is None:
        return
    config = session.config
    if _is_worker(config):
        mine = _settled(lambda: survivors(mark, among=_descendants(os.getpid())))
        _kill(mine)
        worker = str(config.workerinput["workerid"])  # type: ignore[attr-defined]
        Path(folder, worker).write_text("".join(_line(s) + "\n" for s in mine))
        return
    left = _settled(lambda: survivors(mark, exclude=frozenset({os.getpid()})))
    _kill(left)
    lines = [_line(s) for s in left]
    for report in sorted(Path(folder).iterdir()):
        lines += report.read_text().splitlines()
    shutil.rmtree(folder, ignore_errors=True)
    if not lines:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    for line in [f"{len(lines)} process(es) outlived their test (now killed):", *lines]:
        if reporter is not None:
            reporter.write_line(line, red=True)
        else:
            print(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
