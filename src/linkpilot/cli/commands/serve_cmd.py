"""`linkpilot serve`: the engine headless — health sidecar and the daily schedule — until SIGTERM."""

from __future__ import annotations

import asyncio

import click

from linkpilot.cli.common import prepare_home, settings_from_env
from linkpilot.cli.stopping import STOP_SIGNALS, exit_at_once
from linkpilot.engine.notify import check_channels
from linkpilot.engine.service import serve as serve_engine


@click.command()
def serve() -> None:
    """Run the scheduled campaigns and the health sidecar without the console."""
    settings = settings_from_env()
    check_channels(settings)
    prepare_home(settings)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, stop.set)
        click.echo(
            f"linkpilot serving; health on http://{settings.health_host}:{settings.health_port}/health"
        )
        await serve_engine(settings, stop)
        click.echo("linkpilot stopped")

    asyncio.run(main())
    # Only a stop signal ends serving: its campaign is stopped and its files are closed.
    exit_at_once(0)
