"""`linkpilot demo`: LinkPilot on embedded defaults, with no account and no Redis.

Until the console lands this checks the settings, creates and migrates a demo data folder
(never the real one) and prints what it holds.
"""

from __future__ import annotations

from pathlib import Path

import click

from linkpilot.common.settings import load_settings
from linkpilot.console.commands.common import run_async, with_database
from linkpilot.storage.database import Database
from linkpilot.storage.stats import contact_summary

DEMO_HOME = Path("~/.local/share/linkpilot-demo")


@click.command()
@click.option("--home", type=click.Path(path_type=Path, file_okay=False), help="Demo data folder.")
@run_async
async def demo(home: Path | None) -> None:
    """Run LinkPilot against the practice site, with nothing to configure."""
    folder = (home or DEMO_HOME).expanduser()
    settings = load_settings(home=folder, redis_url=None, pacing="fast")
    click.echo(f"settings OK (time zone {settings.timezone}, pacing {settings.pacing})")

    async def summarise(db: Database) -> None:
        async with db.session() as session:
            summary = await contact_summary(session)
        click.echo(f"data folder {settings.home} ready, schema current")
        click.echo(
            f"contacts: {summary.contacts} ({summary.first_degree} 1st-degree, "
            f"{summary.with_birthday} with a birthday, {summary.open_to_work} open to work, "
            f"{summary.blacklisted} blacklisted)"
        )

    await with_database(settings, summarise)
