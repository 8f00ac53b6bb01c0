"""`linkpilot console`: the operator console on the real data folder (the default command).

The engine runs in the same process, as `linkpilot serve` runs it (`engine.service`): the
campaigns the console starts, the daily schedule, the minute tick and the health sidecar a
container's health check asks.
"""

from __future__ import annotations

import click

from linkpilot.cli.common import prepare_home, run_async, settings_from_env
from linkpilot.common.errors import BadInput
from linkpilot.common.settings import Settings
from linkpilot.console.app import DEFAULT_KEYS
from linkpilot.console.run import require_terminal, run_console
from linkpilot.engine.notify import check_channels
from linkpilot.engine.service import open_service


def check_keymap(settings: Settings) -> None:
    unknown = sorted(set(settings.console.keymap) - set(DEFAULT_KEYS))
    if unknown:
        raise BadInput(
            f"console.keymap: unknown binding id {unknown[0]!r} (known: {', '.join(sorted(DEFAULT_KEYS))})"
        )
    empty = sorted(name for name, keys in settings.console.keymap.items() if not keys.strip())
    if empty:
        raise BadInput(f"console.keymap: binding {empty[0]!r} has no key")


@click.command()
@run_async
async def console() -> None:
    """Open the operator console: quotas, breaker, contacts, campaign log."""
    settings = settings_from_env()
    check_keymap(settings)
    check_channels(settings)
    require_terminal()
    prepare_home(settings)
    # A second LinkPilot (serve) may hold the health port: the console works without it.
    async with open_service(settings, health="optional") as service:
        await run_console(settings, service, db=service.rt.db, keymap=settings.console.keymap)
