"""`linkpilot run birthday|sourcing|invitations [--dry-run] [--json]`: one campaign, headless."""

from __future__ import annotations

import asyncio
import json
import sys

import click

from linkpilot.cli.common import prepare_home, settings_from_env
from linkpilot.cli.progress import ProgressPrinter
from linkpilot.engine.campaigns.registry import CAMPAIGNS, create_campaign
from linkpilot.engine.campaigns.runner import run_campaign
from linkpilot.engine.campaigns.summary import RunSummary
from linkpilot.engine.events import EventBus
from linkpilot.engine.notify import check_channels, notifying
from linkpilot.engine.runtime import open_runtime


@click.command()
@click.argument("campaign", type=click.Choice(sorted(CAMPAIGNS)))
@click.option("--dry-run", is_flag=True, help="Show the plan; open nothing that sends, consume no quota.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the outcome.")
@click.option("-v", "--verbose", is_flag=True, help="Print every log line on stderr.")
def run(campaign: str, dry_run: bool, as_json: bool, verbose: bool) -> int:
    """Run one campaign now and exit with its outcome (0 done, 4 breaker/checkpoint, 5 no session)."""
    settings = settings_from_env()
    check_channels(settings)
    prepare_home(settings)
    bus = EventBus()
    printer = ProgressPrinter(sys.stderr, tty=sys.stderr.isatty(), verbose=verbose)
    bus.subscribe(printer)

    async def go() -> RunSummary:
        async with (
            open_runtime(settings, bus=bus) as rt,
            notifying(rt),
        ):
            return await run_campaign(rt, create_campaign(campaign, rt), dry_run=dry_run)

    summary = asyncio.run(go())
    printer.close()
    if as_json:
        click.echo(json.dumps(summary.to_json(), sort_keys=True, default=str))
    else:
        _print_human(summary)
    return int(summary.exit_code)


def _print_human(summary: RunSummary) -> None:
    data = summary.to_json()
    mode = "dry run" if summary.dry_run else "run"
    click.echo(
        f"{summary.campaign} {mode}: {data['stopped']['reason']}"
        + (f" ({summary.stop_detail})" if summary.stop_detail else "")
    )
    for item in summary.planned:
        text = f": {item.text!r}" if item.text else ""
        click.echo(f"  plan  {item.name} (/in/{item.slug}/) — {item.reason}{text}")
    for skip in summary.skipped:
        if skip.reason != "not_in_window":
            click.echo(f"  skip  {skip.name} — {skip.reason.replace('_', ' ')}")
    counts = data["counts"]
    click.echo(
        f"sent {counts['sent']}, failed {counts['failed']}, unknown {counts['unknown']}, "
        f"skipped {sum(counts['skipped'].values())}"
    )
