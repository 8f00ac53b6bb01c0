"""`linkpilot import-v1 PATH [--dry-run] [--json]`: bring in the original bot's database."""

from __future__ import annotations

from pathlib import Path

import click

from linkpilot.cli.common import echo_json, prepare_home, run_async, settings_from_env
from linkpilot.storage.v1_import import read_v1, run_import


@click.command("import-v1")
# The reader checks the path itself, to say what is wrong in its own words.
@click.argument("path", type=click.Path(path_type=Path, readable=False))
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@run_async
async def import_v1(path: Path, dry_run: bool, as_json: bool) -> None:
    """Import the V1 bot's SQLite database at PATH (it is never modified)."""
    settings = settings_from_env()
    # The whole V1 file is read and checked before anything of ours is touched.
    snapshot = read_v1(path)
    if not dry_run:
        prepare_home(settings)
    report = await run_import(
        snapshot,
        database_url=settings.effective_database_url,
        backups_dir=settings.home / "backups",
        zone=settings.zone,
        dry_run=dry_run,
    )
    if as_json:
        echo_json(report.to_dict())
    else:
        for line in report.lines():
            click.echo(line)
