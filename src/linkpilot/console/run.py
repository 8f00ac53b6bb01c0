"""Starting the console: from `linkpilot console` now, from `linkpilot demo` once it is wired."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from linkpilot.cli.common import open_database
from linkpilot.common.clock import Clock, utc_now
from linkpilot.common.errors import LinkPilotError
from linkpilot.common.settings import Settings
from linkpilot.console.app import ConsoleApp
from linkpilot.console.facade import EngineFacade
from linkpilot.console.terminal import console_driver
from linkpilot.storage.contact_book import ContactBook
from linkpilot.storage.database import Database

SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def require_terminal() -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise LinkPilotError("the console needs a terminal; for headless runs use `linkpilot run CAMPAIGN`")


@contextmanager
def console_lock(home: Path) -> Iterator[None]:
    """One console per data folder: a second one would drive the same account twice."""
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle = (home / "console.lock").open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            pid = handle.read().strip() or "unknown"
            raise LinkPilotError(f"another console is already open on {home} (pid {pid})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        # Closing the file releases the lock, also when the process dies.
        handle.close()


def _from_thread(loop: asyncio.AbstractEventLoop, call: Callable[[str], None], why: str) -> None:
    # The driver's threads may see the terminal go while the loop is already closing.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(call, why)


async def run_console(
    settings: Settings,
    facade: EngineFacade,
    clock: Clock = utc_now,
    *,
    db: Database | None = None,
    keymap: Mapping[str, str] | None = None,
) -> None:
    """Run the console on the current event loop until the operator quits.

    The engine behind `facade` runs on this same loop. A database given by the caller stays
    open (the engine may still be using it); one opened here is closed here. Only one console
    runs per data folder. On SIGTERM, SIGHUP or the terminal's loss the running campaign is told
    to stop and the app exits; the caller then ends the engine (EngineService.shutdown).
    """
    require_terminal()
    with console_lock(settings.home):
        own = db is None
        database = db or open_database(settings)
        loop = asyncio.get_running_loop()
        try:
            app = ConsoleApp(
                facade,
                ContactBook(database, owns_db=False),
                clock=clock,
                settings=settings,
                keymap=keymap,
            )
            # SIGTERM (docker stop, systemd), SIGHUP (the SSH session dropped, tmux killed) and
            # a terminal that reads as closed or refuses output: the campaign is stopped between
            # two people (or cut off after a grace, see EngineService.shutdown), then the app leaves.
            for sig in SIGNALS:
                loop.add_signal_handler(sig, app.shut_down, sig.name)
            app.driver_class = console_driver(partial(_from_thread, loop, app.shut_down, "terminal lost"))
            await app.run_async()
        finally:
            for sig in SIGNALS:
                loop.remove_signal_handler(sig)
            if own:
                await database.dispose()
