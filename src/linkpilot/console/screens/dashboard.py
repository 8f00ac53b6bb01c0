"""The dashboard: quotas, breaker, session, the running campaign, activity and today's birthdays.

Every panel watches the app's state (or today's plan) itself; the screen only lays them out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.widgets import DataTable, Label

from linkpilot.console.screens.base import MainScreen
from linkpilot.console.widgets.panels import (
    ActivityPanel,
    BreakerPanel,
    CampaignProgress,
    QuotaGauges,
    SessionPanel,
)

if TYPE_CHECKING:
    from linkpilot.console.app import PlanView

TEXT_WIDTH = 80  # a plan's text is cut here in the table; the confirmation shows it whole
PLAN_COLUMNS = ("who", "why", "text")


class BirthdayPlan(Vertical):
    """Today's plan: who would be wished, why, and the exact text (reloaded at local midnight)."""

    def compose(self) -> ComposeResult:
        yield Label("Today's birthdays", classes="panel-title", id="plan-title")
        yield DataTable[Text](id="plan-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.watch(self.app, "birthday_plan", self._show)

    def _show(self, view: PlanView) -> None:
        table = self.query_one("#plan-table", DataTable)
        title = self.query_one("#plan-title", Label)
        plan = view.plan
        rows: list[tuple[str, str, str]] = []
        if plan is None:
            title.update(f"Today's birthdays: {view.error}" if view.error else "Today's birthdays: loading…")
        else:
            skipped = f", {len(plan.skipped)} skipped" if plan.skipped else ""
            title.update(f"Today's birthdays: {len(plan.planned)} to wish{skipped}")
            for item in plan.planned:
                text = (item.text or "").replace("\n", " ")
                rows.append(
                    (item.name, item.reason, text[:TEXT_WIDTH] + ("…" if len(text) > TEXT_WIDTH else ""))
                )
        # Columns as wide as their widest cell, given outright: left to size themselves, they
        # stayed at their labels' width now and then (names cut to "Lia"; Textual 8.2.8).
        table.clear(columns=True)
        for n, label in enumerate(PLAN_COLUMNS):
            table.add_column(label, width=max([cell_len(label), *(cell_len(row[n]) for row in rows)]))
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))


class DashboardScreen(MainScreen):
    mode_name = "dashboard"
    # `r` reads today's plan again, harmless if pressed by mistake; the breaker's reset, which
    # lets campaigns act again, is on the shifted `R`. Not in the footer: it has little room.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload_plan", "Reload today's plan", id="dashboard.reload_plan", show=False),
    ]

    def action_reload_plan(self) -> None:
        self.console.load_birthday_plan(reread=True)

    def compose_body(self) -> ComposeResult:
        with Grid(id="dashboard-grid"):
            yield QuotaGauges(id="quota", classes="panel")
            with Vertical(id="status-column"):
                yield BreakerPanel(id="breaker", classes="panel")
                yield SessionPanel(id="session", classes="panel")
            yield CampaignProgress(id="progress", classes="panel")
            yield ActivityPanel(id="activity", classes="panel")
        yield BirthdayPlan(id="birthday-plan", classes="panel")
