"""`linkpilot console`: refuses without a terminal, and runs for real under tmux on the data folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from linkpilot.cli.common import prepare_home
from linkpilot.common.clock import FrozenClock
from linkpilot.common.settings import load_settings
from linkpilot.console.app import ConsoleApp
from linkpilot.console.contacts_source import ContactsSource
from linkpilot.console.standby import NOT_WIRED, StandbyFacade
from linkpilot.engine.breaker import create_breaker
from linkpilot.engine.events import BreakerChanged, Event
from linkpilot.storage.database import Database
from linkpilot.storage.migrate import upgrade
from tests.conftest import CliResult
from tests.console.fakes import NOW
from tests.console.helpers import idle, screen_text, wait_until
from tests.console.seed import seed_contacts


def test_without_a_terminal_it_says_so_in_one_line(cli: Callable[..., CliResult]) -> None:
    result = cli("console")
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        "linkpilot: error: the console needs a terminal; for headless runs use `linkpilot run CAMPAIGN`"
    ]


def test_bare_linkpilot_opens_the_console(cli: Callable[..., CliResult]) -> None:
    result = cli()
    assert result.code == 1
    assert "the console needs a terminal" in result.err


async def test_standby_facade_shows_the_real_breaker_and_resets_it(home: Path) -> None:
    settings = load_settings(home=home)
    prepare_home(settings)
    upgrade(settings.effective_database_url)
    db = Database(settings.effective_database_url)
    clock = FrozenClock(NOW)
    try:
        breaker = create_breaker(settings, db, clock)
        await breaker.trip_hard("checkpoint")
        facade = await StandbyFacade.open(settings, db, clock)
        snap = facade.snapshot()
        assert snap.breaker.state == "open"
        assert snap.breaker.hard
        assert snap.breaker.reason == "checkpoint"
        assert set(snap.gauges) >= {"message", "profile_visit", "invitation_withdrawal"}
        assert snap.gauges["message"]["day_limit"] == settings.limits.messages.per_day

        seen: list[Event] = []
        facade.bus.subscribe(seen.append)
        await facade.reset_breaker()
        assert [type(e) for e in seen] == [BreakerChanged]
        assert (await breaker.state()).state.value == "closed"
        await facade.close()
    finally:
        await db.dispose()


async def test_console_on_standby_reports_that_campaigns_cannot_start(home: Path) -> None:
    settings = load_settings(home=home)
    prepare_home(settings)
    await seed_contacts(settings.effective_database_url, 30)
    db = Database(settings.effective_database_url)
    facade = await StandbyFacade.open(settings, db, FrozenClock(NOW))
    app = ConsoleApp(facade, ContactsSource(db), clock=FrozenClock(NOW), zone=settings.zone)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        assert "Today's birthdays: not available" in screen_text(app)  # the plan needs the runner
        assert not app._notifications  # a missing plan is shown in its panel, not shouted
        await pilot.press("b")
        await wait_until(pilot, lambda: any(NOT_WIRED in n.message for n in app._notifications))
        assert app.is_running
    await facade.close()


# -- a real terminal -------------------------------------------------------------------------


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Callable[..., str]]:
    assert shutil.which("tmux"), "tmux is part of the toolchain"
    socket = str(tmp_path / "tmux.sock")

    def run(*args: str) -> str:
        done = subprocess.run(["tmux", "-S", socket, *args], capture_output=True, text=True, check=True)
        return done.stdout

    yield run
    subprocess.run(["tmux", "-S", socket, "kill-server"], capture_output=True, check=False)


def wait_for_screen(tmux: Callable[..., str], *texts: str, within: float = 30.0) -> str:
    """The pane once it shows every one of `texts` at the same time."""
    deadline = time.monotonic() + within
    while True:
        shown = tmux("capture-pane", "-p", "-t", "console")
        if all(text in shown for text in texts):
            return shown
        if time.monotonic() > deadline:
            raise AssertionError(f"{texts!r} never all appeared; the screen shows:\n{shown}")
        time.sleep(0.2)


@pytest.mark.slow
def test_console_in_a_real_terminal(tmux: Callable[..., str], home: Path, tmp_path: Path) -> None:
    import asyncio

    settings = load_settings(home=home)
    home.mkdir(parents=True)
    asyncio.run(seed_contacts(settings.effective_database_url, 60))
    status = tmp_path / "status"
    tmux("-f", "/dev/null", "new-session", "-d", "-s", "console", "-x", "120", "-y", "40", "sh")
    # Typed into a shell whose pane already has its final size: the app starts at 120x40.
    # COLUMNS and LINES left by the server would override the real size (shutil reads them first).
    command = f"env -u COLUMNS -u LINES LINKPILOT_HOME={home} {sys.executable} -m linkpilot console; echo exit=$? > {status}"
    tmux("send-keys", "-t", "console", command, "Enter")
    wait_for_screen(tmux, "Breaker CLOSED", "messages")
    tmux("send-keys", "-t", "console", "2")
    wait_for_screen(tmux, "rows 1–50 of 60", "Ana Amadou", "Éloïse Durand")
    tmux("send-keys", "-t", "console", "q")
    deadline = time.monotonic() + 30
    while not status.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status.read_text().strip() == "exit=0"


@pytest.mark.slow
def test_one_console_per_data_folder_and_sigterm_leaves_cleanly(
    tmux: Callable[..., str], home: Path, tmp_path: Path
) -> None:
    import asyncio
    import signal

    settings = load_settings(home=home)
    home.mkdir(parents=True)
    asyncio.run(seed_contacts(settings.effective_database_url, 10))
    status = tmp_path / "status"
    tmux("-f", "/dev/null", "new-session", "-d", "-s", "console", "-x", "120", "-y", "40", "sh")
    run = f"env -u COLUMNS -u LINES LINKPILOT_HOME={home} {sys.executable} -m linkpilot console"
    tmux("send-keys", "-t", "console", f"{run}; echo exit=$? > {status}", "Enter")
    wait_for_screen(tmux, "Breaker CLOSED", "messages")

    second = tmp_path / "second"
    tmux("new-window", "-d", "-t", "console", f"{run} 2> {second}; echo exit=$? >> {second}")
    deadline = time.monotonic() + 30
    while "exit=" not in (second.read_text() if second.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.2)
    pid = int((home / "console.lock").read_text())
    assert second.read_text().splitlines() == [
        f"linkpilot: error: another console is already open on {home} (pid {pid})",
        "exit=1",
    ]

    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while not status.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status.read_text().strip() == "exit=0"
