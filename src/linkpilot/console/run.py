"""Starting the console: from `linkpilot console` now, from `linkpilot demo` once it is wired."""

from __future__ import annotations

import sys
from collections.abc import Mapping

from linkpilot.common.clock import Clock, utc_now
from linkpilot.common.errors import LinkPilotError
from linkpilot.common.settings import Settings
from linkpilot.console.app import ConsoleApp
from linkpilot.console.commands.common import open_database
from linkpilot.console.contacts_source import ContactsSource
from linkpilot.console.facade import EngineFacade
from linkpilot.storage.database import Database


def require_terminal() -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise LinkPilotError("the console needs a terminal; for headless runs use `linkpilot run CAMPAIGN`")


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
    open (the engine may still be using it); one opened here is closed here.
    """
    require_terminal()
    own = db is None
    database = db or open_database(settings)
    try:
        app = ConsoleApp(
            facade,
            ContactsSource(database, owns_db=False),
            clock=clock,
            settings=settings,
            keymap=keymap,
        )
        await app.run_async()
    finally:
        if own:
            await database.dispose()
