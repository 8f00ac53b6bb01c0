"""`linkpilot quota status`: what today's and this week's budgets have left."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from linkpilot.cli.common import closing, echo_json, quick_or_full, settings_from_env
from linkpilot.common.settings import Settings
from linkpilot.engine import quick_status
from linkpilot.engine.quota.contract import QuotaSnapshot

if TYPE_CHECKING:
    from linkpilot.storage.database import Database


def snapshot(settings: Settings) -> QuotaSnapshot:
    async def from_ledger(db: Database) -> QuotaSnapshot:
        from linkpilot.engine.quota.factory import create_ledger

        async with closing(create_ledger(settings, db)) as ledger:
            return await ledger.snapshot()

    return quick_or_full(quick_status.quota_snapshot(settings), settings, from_ledger)


def _gauge(used: int | None, limit: int | None) -> str:
    return "-" if limit is None else f"{used or 0}/{limit}"


def render(snap: QuotaSnapshot) -> list[str]:
    rows = [("action", "today", "7 days", "month")]
    for item in snap.usage:
        rows.append(
            (
                item.action.value,
                _gauge(item.day_used, item.day_limit),
                _gauge(item.week_used, item.week_limit),
                _gauge(item.month_used, item.month_limit),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    footer = f"ledger: {snap.backend}"
    if snap.warmup_day is not None:
        footer += f"; warming up, day {snap.warmup_day + 1}"
    return [*lines, footer]


@click.group()
def quota() -> None:
    """The quota ledger: units spent against each daily, weekly and monthly limit."""


@quota.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the snapshot as one JSON object.")
def status(as_json: bool) -> None:
    """Units used (committed and live reservations) against each limit."""
    snap = snapshot(settings_from_env())
    if as_json:
        echo_json(snap.as_dict())
        return
    for line in render(snap):
        click.echo(line)
