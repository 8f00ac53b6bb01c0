"""`linkpilot console`: the operator console on the real data folder (the default command).

The engine runs in the same process: the campaigns the console starts, the daily schedule,
and the health sidecar a container's health check asks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import click

from linkpilot.cli.common import prepare_home, run_async, settings_from_env
from linkpilot.common.errors import BadInput
from linkpilot.common.settings import Settings
from linkpilot.console.app import DEFAULT_KEYS
from linkpilot.console.live_facade import LiveFacade
from linkpilot.console.run import require_terminal, run_console
from linkpilot.engine.events import EventBus
from linkpilot.engine.health.server import HealthSidecar
from linkpilot.engine.heap import freeze_startup_objects
from linkpilot.engine.notify import check_channels, notifying
from linkpilot.engine.runtime import open_runtime
from linkpilot.engine.schedule import Scheduler
from linkpilot.engine.service import metrics_from_events, readiness_checks

log = logging.getLogger(__name__)


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
    bus = EventBus()
    sidecar = HealthSidecar()
    bus.subscribe(metrics_from_events(sidecar.metrics))
    async with (
        open_runtime(settings, bus=bus) as rt,
        notifying(rt) as notifier,
    ):
        readiness_checks(rt, sidecar)
        try:
            await sidecar.start(settings.health_host, settings.health_port)
        except OSError as exc:
            # A second LinkPilot (serve) may hold the port: the console still works without it.
            log.warning(
                "health sidecar not started on %s:%s: %s", settings.health_host, settings.health_port, exc
            )

        async def scheduled(name: str, dry: bool) -> None:
            try:
                await facade.start(name, dry_run=dry)
            except Exception as exc:
                if notifier is not None:
                    await notifier.run_raised(name, exc)
                raise

        scheduler = Scheduler(settings, rt.db, scheduled, rt.clock, rt.rng)
        facade = LiveFacade(rt, scheduler)
        await facade.refresh()
        if notifier is not None:
            await notifier.publish_status()
        freeze_startup_objects()
        schedule = asyncio.create_task(scheduler.run())
        quit_watch = asyncio.Event()
        watch = asyncio.create_task(notifier.watch(quit_watch)) if notifier is not None else None
        try:
            await run_console(settings, facade, db=rt.db, keymap=settings.console.keymap)
        finally:
            scheduler.stop()
            quit_watch.set()
            await facade.shutdown()
            schedule.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await schedule
            if watch is not None:
                await asyncio.gather(watch, return_exceptions=True)
            await sidecar.stop()
