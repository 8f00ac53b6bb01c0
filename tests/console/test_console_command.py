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
from linkpilot.console.state import fold_all
from linkpilot.engine.events import BreakerChanged, Event
from linkpilot.engine.runtime import open_runtime
from linkpilot.engine.service import EngineService
from linkpilot.storage.contact_book import ContactBook
from tests.conftest import CliResult
from tests.console.fakes import NOW
from tests.console.helpers import Messages, idle, screen_text, wait_until
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


async def test_the_engine_service_shows_the_real_breaker_and_resets_it(home: Path) -> None:
    settings = load_settings(home=home)
    prepare_home(settings)
    clock = FrozenClock(NOW)
    async with open_runtime(settings, clock=clock) as rt:
        await rt.breaker.trip_hard("checkpoint")
        service = EngineService(rt, scheduled=False)
        await service.refresh()
        state = fold_all(service.current())
        assert (state.breaker.state, state.breaker.hard, state.breaker.reason) == ("open", True, "checkpoint")
        assert state.breaker.since == NOW
        assert set(state.gauges) >= {"message", "profile_visit", "invitation_withdrawal"}
        assert state.gauges["message"]["day_limit"] == settings.limits.messages.per_day
        # The shape tests/console/fakes.py gives the console: a calendar month and nothing else.
        assert state.gauges["search"] == {"month_used": 0, "month_limit": settings.limits.searches_per_month}
        assert state.session.status == "missing"
        assert state.today == NOW.astimezone(settings.zone).date()

        seen: list[Event] = []
        service.bus.subscribe(seen.append)
        await service.reset_breaker()
        assert [type(e) for e in seen] == [BreakerChanged]
        assert (await rt.breaker.state()).state.value == "closed"
        assert fold_all(service.current()).breaker.state == "closed"
        await service.close()


async def test_without_a_session_the_console_says_why_there_is_no_plan(home: Path) -> None:
    settings = load_settings(home=home)
    prepare_home(settings)
    await seed_contacts(settings.effective_database_url, 30)
    clock = FrozenClock(NOW)
    async with open_runtime(settings, clock=clock) as rt:
        service = EngineService(rt, scheduled=False)
        await service.refresh()
        app = ConsoleApp(service, ContactBook(rt.db, owns_db=False), clock=clock, zone=settings.zone)
        messages = Messages()
        async with app.run_test(size=(120, 40), message_hook=messages) as pilot:
            await idle(pilot)
            assert "Today's birthdays: not available (no session" in screen_text(app)
            assert not messages.notices()  # a missing plan is shown in its panel, not shouted
            assert "Session missing" in screen_text(app)
            await pilot.press("b")
            await wait_until(pilot, lambda: messages.noticed("no session"))
            assert app.is_running
            assert app.busy is None
        await service.close()


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
