"""`linkpilot breaker status|reset`: see why nothing acts, and decide when it may again."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from linkpilot.cli.common import (
    closing,
    echo_json,
    quick_or_full,
    run_async,
    settings_from_env,
    with_database,
)
from linkpilot.common.errors import BadInput
from linkpilot.common.settings import Settings
from linkpilot.engine import quick_status
from linkpilot.engine.breaker_state import BreakerSnapshot, BreakerState

if TYPE_CHECKING:
    from linkpilot.storage.database import Database


def describe(snap: BreakerSnapshot) -> str:
    if snap.state == BreakerState.CLOSED:
        tail = (
            f" ({snap.failures} recent failure{'s' if snap.failures != 1 else ''})" if snap.failures else ""
        )
        return f"breaker: closed, campaigns may act{tail}"
    since = snap.since.isoformat(timespec="seconds") if snap.since else "?"
    if snap.hard:
        return (
            f"breaker: open (hard) since {since}: {snap.reason}; nothing acts until you check the account "
            "and run `linkpilot breaker reset`"
        )
    state = "half-open (probing)" if snap.state == BreakerState.HALF_OPEN else "open"
    retry = snap.retry_at.isoformat(timespec="seconds") if snap.retry_at else "?"
    return f"breaker: {state} since {since}: {snap.reason}; next try after {retry} (trip {snap.trips})"


def state(settings: Settings) -> BreakerSnapshot:
    async def from_breaker(db: Database) -> BreakerSnapshot:
        from linkpilot.engine.breaker import create_breaker

        async with closing(create_breaker(settings, db)) as breaker:
            return await breaker.state()

    return quick_or_full(quick_status.breaker_snapshot(settings), settings, from_breaker)


async def _reset(db: Database) -> BreakerSnapshot:
    """Reset and return what the breaker held before."""
    from linkpilot.engine.breaker import create_breaker

    async with closing(create_breaker(settings_from_env(), db)) as breaker:
        before = await breaker.state()
        await breaker.reset()
        return before


@click.group()
def breaker() -> None:
    """The circuit breaker that stops every campaign at the first sign of trouble."""


@breaker.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the state as one JSON object.")
def status(as_json: bool) -> None:
    """Show whether campaigns may act, and if not, why and until when."""
    snap = state(settings_from_env())
    if as_json:
        echo_json(snap.as_dict())
    else:
        click.echo(describe(snap))


@breaker.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset(yes: bool) -> None:
    """Close the breaker, including after a checkpoint, captcha, authwall or restriction."""
    settings = settings_from_env()
    if not yes:
        if not sys.stdin.isatty():
            raise BadInput("breaker reset: not attached to a terminal; pass --yes to confirm")
        click.confirm(
            "Have you checked the account in a browser, and should campaigns act again?", abort=True
        )
    before = run_async(with_database)(settings, _reset)
    was = (
        f" (was {before.state.value}{', hard' if before.hard else ''}: {before.reason})"
        if before.reason
        else ""
    )
    click.echo(f"breaker reset: closed{was}")
