"""`linkpilot run birthday|sourcing|invitations [--dry-run] [--json]`: one campaign, headless."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import click

from linkpilot.cli.common import prepare_home, settings_from_env
from linkpilot.cli.progress import ProgressPrinter
from linkpilot.cli.stopping import STOP_SIGNALS, exit_at_once
from linkpilot.common.errors import LinkPilotError
from linkpilot.engine.campaigns.registry import CAMPAIGN_NAMES, create_campaign
from linkpilot.engine.campaigns.runner import RunControl, run_campaign
from linkpilot.engine.campaigns.summary import RunSummary
from linkpilot.engine.events import CampaignFinished, Event, EventBus
from linkpilot.engine.notify import check_channels, notifying
from linkpilot.engine.runtime import open_runtime
from linkpilot.engine.service import finish_within


@click.command()
@click.argument("campaign", type=click.Choice(sorted(CAMPAIGN_NAMES)))
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

    finished: list[dict[str, Any]] = []

    def on_finished(event: Event) -> None:
        if isinstance(event, CampaignFinished):
            finished.append(event.summary)

    bus.subscribe(on_finished)

    async def go() -> tuple[RunSummary | None, bool]:
        async with (
            open_runtime(settings, bus=bus) as rt,
            notifying(rt),
        ):
            control = RunControl()
            task = asyncio.create_task(
                run_campaign(rt, create_campaign(campaign, rt), dry_run=dry_run, control=control)
            )
            stopping: list[asyncio.Task[None]] = []

            def stop() -> None:
                # SIGTERM (systemd, docker stop), SIGHUP, Ctrl-C: stop between two people; a
                # person still in progress after the grace is cut off, recorded as far as it got.
                control.stop()
                if not stopping:
                    stopping.append(asyncio.create_task(finish_within(task)))

            loop = asyncio.get_running_loop()
            for sig in STOP_SIGNALS:
                loop.add_signal_handler(sig, stop)
            try:
                await asyncio.wait({task})
                await asyncio.gather(*stopping)
            finally:
                for sig in STOP_SIGNALS:
                    loop.remove_signal_handler(sig)
            return (None if task.cancelled() else task.result()), bool(stopping)

    summary, signalled = asyncio.run(go())
    printer.close()
    if summary is None and not finished:
        raise LinkPilotError(f"the {campaign} run was stopped before it started")
    # Cut off mid-person, the run returns no summary: the one it published on finishing says all.
    data = summary.to_json() if summary is not None else finished[-1]
    if as_json:
        click.echo(json.dumps(data, sort_keys=True, default=str))
    elif summary is not None:
        _print_human(summary)
    else:
        _print_counts(data)
    if signalled:
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
