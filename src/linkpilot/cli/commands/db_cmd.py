"""`linkpilot db upgrade|backup`."""

from __future__ import annotations

from pathlib import Path

import click

from linkpilot.cli.common import prepare_home, settings_from_env
from linkpilot.storage.backup import backup_sqlite
from linkpilot.storage.migrate import upgrade as run_upgrade


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
def upgrade() -> None:
    """Bring the database schema to the newest version."""
    settings = settings_from_env()
    prepare_home(settings)
    before, after = run_upgrade(settings.effective_database_url)
    if before == after:
        click.echo(f"database already at revision {after}")
    else:
        click.echo(f"database upgraded from {before or 'empty'} to {after}")


@db.command("backup")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def backup(path: Path) -> None:
    """Copy the live database to PATH with SQLite's online backup."""
    settings = settings_from_env()
    written = backup_sqlite(settings.effective_database_url, path)
    click.echo(f"backup written to {written}")
