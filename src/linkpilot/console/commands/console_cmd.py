"""`linkpilot console`: the operator console on the real data folder (the default command)."""

from __future__ import annotations

import click

from linkpilot.console.commands.common import open_database, run_async, settings_from_env
from linkpilot.console.run import require_terminal, run_console
from linkpilot.console.standby import StandbyFacade


@click.command()
@run_async
async def console() -> None:
    """Open the operator console: quotas, breaker, contacts, campaign log."""
    settings = settings_from_env()
    require_terminal()
    db = open_database(settings)
    try:
        facade = await StandbyFacade.open(settings, db)
        try:
            await run_console(settings, facade, db=db)
        finally:
            await facade.close()
    finally:
        await db.dispose()
