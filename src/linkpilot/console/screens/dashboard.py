"""The dashboard: quotas, breaker, session, the running campaign, activity and today's birthdays.

Every panel watches the app's state (or today's plan) itself; the screen only lays them out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

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


class BirthdayPlan(Vertical):
    """Today's plan: who would be wished, why, and the exact text (reloaded at local midnight)."""

    def compose(self) -> ComposeResult:
        yield Label("Today's birthdays", classes="panel-title", id="plan-title")
        table: DataTable[Text] = DataTable(id="plan-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("who", "why", "text")
        yield table

    def on_mount(self) -> None:
        self.watch(self.app, "birthday_plan", self._changed)

    def _changed(self, view: PlanView) -> None:
        # Filled from this widget's own queue: rows added from inside the app's watcher left
        # the DataTable's columns at their labels' width (seen with Textual 8.2.8).
        self.call_later(self._show, view)

    def _show(self, view: PlanView) -> None:
        table = self.query_one("#plan-table", DataTable)
        title = self.query_one("#plan-title", Label)
        table.clear(columns=True)
        plan = view.plan
        if plan is None:
            title.update(f"Today's birthdays: {view.error}" if view.error else "Today's birthdays: loading…")
            return
        skipped = f", {len(plan.skipped)} skipped" if plan.skipped else ""
        title.update(f"Today's birthdays: {len(plan.planned)} to wish{skipped}")
        rows = []
        for item in plan.planned:
            text = (item.text or "").replace("\n", " ")
            cut = text[:TEXT_WIDTH] + ("…" if len(text) > TEXT_WIDTH else "")
            rows.append((item.name, item.reason, cut))
        # Widths given, not measured by the table: filled from a watcher, its automatic widths
        # sometimes stayed at the labels' (three cells for "who") under load.
        for index, label in enumerate(("who", "why", "text")):
            table.add_column(label, width=max([len(label), *(len(row[index]) for row in rows)]))
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))


class DashboardScreen(MainScreen):
    mode_name = "dashboard"
    # `r` resets the breaker (the issue asked for `r` here too; a reset stays one key away from
    # nothing else), so today's plan reloads on Ctrl+R. Not in the footer: it has little room.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload_plan", "Reload today's plan", id="dashboard.reload_plan", show=False),
    ]

    def action_reload_plan(self) -> None:
        self.console.load_birthday_plan()

    def compose_body(self) -> ComposeResult:
        with Grid(id="dashboard-grid"):
            yield QuotaGauges(id="quota", classes="panel")
            with Vertical(id="status-column"):
                yield BreakerPanel(id="breaker", classes="panel")
                yield SessionPanel(id="session", classes="panel")
            yield CampaignProgress(id="progress", classes="panel")
            yield ActivityPanel(id="activity", classes="panel")
        yield BirthdayPlan(id="birthday-plan", classes="panel")
