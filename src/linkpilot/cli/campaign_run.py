"""One campaign run in this process, for `linkpilot run`: the engine's runtime opened, the
campaign driven to its end (or stopped between two people by a signal), progress on stderr.

Kept apart from the command's module, which imports it only once the arguments and the
settings are known good: `run --help` and a mistyped flag answer without loading the engine.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from typing import Any

from linkpilot.cli.common import prepare_home
from linkpilot.cli.progress import ProgressPrinter
from linkpilot.cli.stopping import STOP_SIGNALS
from linkpilot.common.errors import LinkPilotError
from linkpilot.common.settings import Settings
from linkpilot.engine.campaigns.registry import create_campaign
from linkpilot.engine.campaigns.runner import RunControl, finish_within, run_campaign
from linkpilot.engine.campaigns.summary import RunSummary
from linkpilot.engine.events import CampaignFinished, Event, EventBus
from linkpilot.engine.notify import check_channels, notifying
from linkpilot.engine.runtime import open_runtime


@dataclass(frozen=True)
class Outcome:
    """How the run ended: its summary as JSON data, the summary itself when the run returned
    one (a run cut off mid-person returns none: what it published on finishing says all), and
    whether a stop signal ended it."""

    data: dict[str, Any]
    summary: RunSummary | None
    signalled: bool


def run_headless(settings: Settings, campaign: str, *, dry_run: bool, verbose: bool) -> Outcome:
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
    data = summary.to_json() if summary is not None else finished[-1]
    return Outcome(data, summary, signalled)
