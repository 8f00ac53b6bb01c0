"""`linkpilot notify test`: one message to every channel, and which of them took it."""

from __future__ import annotations

import socket

import click

from linkpilot.cli.common import open_database, run_async, settings_from_env
from linkpilot.common.clock import utc_now
from linkpilot.common.errors import BadInput, ExitCode
from linkpilot.engine.events import EventBus
from linkpilot.engine.notify import create_notifier
from linkpilot.engine.notify.channels import parse_channels
from linkpilot.storage.notifications import Outgoing


@click.group()
def notify() -> None:
    """Notification channels ([notify] urls): see docs/notifications.md."""


@notify.command("test")
@run_async
async def test() -> int:
    """Send a test message to every channel; exit 0 when all took it, 1 when one did not."""
    settings = settings_from_env()
    if not settings.notify.urls:
        raise BadInput("notify.urls: no notification channel is set (docs/notifications.md)")
    parse_channels(settings.notify.urls)  # a URL Apprise cannot use: exit 2 before anything is written
    db = open_database(settings)
    try:
        notifier = create_notifier(settings, db, EventBus(record=False))
        assert notifier is not None
        now = utc_now()
        await notifier.send(
            Outgoing(
                "test",
                "LinkPilot: test message",
                f"Sent by `linkpilot notify test` on {socket.gethostname()} at {now:%Y-%m-%d %H:%M} UTC. "
                "If you read this, this channel works.",
            )
        )
        # Messages still waiting from before go out in the same pass; only the test is reported.
        attempts = [a for a in await notifier.deliverer.deliver_due() if a.due.kind == "test"]
    finally:
        await db.dispose()
    worked = 0
    for attempt in sorted(attempts, key=lambda a: a.target.number):
        if attempt.ok:
            worked += 1
            click.echo(f"ok      {attempt.target.label}")
        else:
            click.echo(f"FAILED  {attempt.target.label}: {attempt.error}")
    total = len(notifier.targets)
    click.echo(f"{worked} of {total} channel{'s' if total != 1 else ''} took the test message")
    return ExitCode.OK if worked == total and len(attempts) == total else ExitCode.FAILURE
