"""`linkpilot blacklist add|remove|list`: people LinkPilot must never contact."""

from __future__ import annotations

import click

from linkpilot.cli.common import run_async, settings_from_env, with_database
from linkpilot.cli.tables import render_table
from linkpilot.storage.blacklist import add_entry, list_entries, parse_target, remove_entry
from linkpilot.storage.database import Database
from linkpilot.storage.models import BlacklistEntry


@click.group()
def blacklist() -> None:
    """Never contact these people: by profile URL, or by full name (case and accents ignored)."""


@blacklist.command("add")
@click.argument("url_or_name")
@click.option("--reason", help="Why (shown in the list).")
@run_async
async def add(url_or_name: str, reason: str | None) -> None:
    """Blacklist a profile URL or a full name."""
    parse_target(url_or_name)  # a bad URL is refused before the database is opened
    settings = settings_from_env()

    async def work(db: Database) -> tuple[BlacklistEntry, bool]:
        async with db.transaction() as session:
            return await add_entry(session, url_or_name, reason=reason)

    entry, created = await with_database(settings, work)
    if created:
        click.echo(f"blacklisted {_target(entry)}")
    else:
        click.echo(f"already blacklisted: {_target(entry)} (since {entry.added_at:%Y-%m-%d})")


@blacklist.command("remove")
@click.argument("url_or_name")
@run_async
async def remove(url_or_name: str) -> None:
    """Take a profile URL or a full name off the blacklist (the entry is kept, marked removed)."""
    parse_target(url_or_name)
    settings = settings_from_env()

    async def work(db: Database) -> int:
        async with db.transaction() as session:
            return await remove_entry(session, url_or_name)

    removed = await with_database(settings, work)
    click.echo(f"removed {removed} blacklist entr{'ies' if removed != 1 else 'y'} for {url_or_name.strip()}")


@blacklist.command("list")
@click.option("--all", "include_removed", is_flag=True, help="Include removed entries.")
@run_async
async def list_(include_removed: bool) -> None:
    """Show the blacklist."""
    settings = settings_from_env()

    async def work(db: Database) -> list[BlacklistEntry]:
        async with db.session() as session:
            return await list_entries(session, include_removed=include_removed)

    entries = await with_database(settings, work)
    if not entries:
        click.echo("the blacklist is empty")
        return
    headers = (
        ["ID", "WHO", "ADDED", "REMOVED", "REASON"] if include_removed else ["ID", "WHO", "ADDED", "REASON"]
    )
    rows = []
    for entry in entries:
        row = [str(entry.id), _target(entry), f"{entry.added_at:%Y-%m-%d}"]
        if include_removed:
            row.append(f"{entry.removed_at:%Y-%m-%d}" if entry.removed_at else "")
        row.append(entry.reason or "")
        rows.append(row)
    for line in render_table(headers, rows, flex=len(headers) - 1):
        click.echo(line)


def _target(entry: BlacklistEntry) -> str:
    return entry.profile_url or entry.name or ""
