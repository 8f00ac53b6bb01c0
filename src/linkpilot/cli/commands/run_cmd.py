"""`linkpilot run birthday|sourcing|invitations [--dry-run] [--json]`: one campaign, headless."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from linkpilot.cli.common import settings_from_env
from linkpilot.cli.stopping import exit_at_once
from linkpilot.engine.campaigns.registry import CAMPAIGN_NAMES

if TYPE_CHECKING:
    from linkpilot.engine.campaigns.summary import RunSummary


@click.command()
@click.argument("campaign", type=click.Choice(sorted(CAMPAIGN_NAMES)))
@click.option("--dry-run", is_flag=True, help="Show the plan; open nothing that sends, consume no quota.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the outcome.")
@click.option("-v", "--verbose", is_flag=True, help="Print every log line on stderr.")
def run(campaign: str, dry_run: bool, as_json: bool, verbose: bool) -> int:
    """Run one campaign now and exit with its outcome (0 done, 4 breaker/checkpoint, 5 no session)."""
    settings = settings_from_env()
    # The engine, once the arguments and settings are known good (cli/campaign_run.py says why).
    from linkpilot.cli.campaign_run import run_headless

    outcome = run_headless(settings, campaign, dry_run=dry_run, verbose=verbose)
    data = outcome.data
    if as_json:
        click.echo(json.dumps(data, sort_keys=True, default=str))
    elif outcome.summary is not None:
        _print_human(outcome.summary)
    else:
        _print_counts(data)
    if outcome.signalled:
        exit_at_once(int(data["exit_code"]))
    return int(data["exit_code"])


def _print_human(summary: RunSummary) -> None:
    data = summary.to_json()
    click.echo(_headline(data))
    for item in summary.planned:
        text = f": {item.text!r}" if item.text else ""
        click.echo(f"  plan  {item.name} (/in/{item.slug}/) — {item.reason}{text}")
    for skip in summary.skipped:
        if skip.reason != "not_in_window":
            click.echo(f"  skip  {skip.name} — {skip.reason.replace('_', ' ')}")
    _print_counts(data, headline=False)


def _headline(data: dict[str, Any]) -> str:
    mode = "dry run" if data["dry_run"] else "run"
    detail = data["stopped"]["detail"]
    return f"{data['campaign']} {mode}: {data['stopped']['reason']}" + (f" ({detail})" if detail else "")


def _print_counts(data: dict[str, Any], *, headline: bool = True) -> None:
    if headline:
        click.echo(_headline(data))
    counts = data["counts"]
    click.echo(
        f"sent {counts['sent']}, failed {counts['failed']}, unknown {counts['unknown']}, "
        f"skipped {sum(counts['skipped'].values())}"
    )
