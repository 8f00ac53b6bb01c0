"""The dashboard: quotas, breaker, session, the running campaign, activity and today's birthdays."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import DataTable, Label

from linkpilot.console.facade import CampaignPlan, EngineSnapshot
from linkpilot.console.screens.base import MainScreen
from linkpilot.console.widgets.panels import (
    ActivityPanel,
    BreakerPanel,
    CampaignProgress,
    QuotaGauges,
    SessionPanel,
)


class BirthdayPlan(Vertical):
    def compose(self) -> ComposeResult:
        yield Label("Today's birthdays", classes="panel-title", id="plan-title")
        table: DataTable[Text] = DataTable(id="plan-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("who", "why", "text")
        yield table

    def show(self, plan: CampaignPlan | None, error: str | None) -> None:
        table = self.query_one("#plan-table", DataTable)
        title = self.query_one("#plan-title", Label)
        table.clear()
        if plan is None:
            title.update(f"Today's birthdays: {error}" if error else "Today's birthdays: loading…")
            return
        skipped = f", {len(plan.skipped)} skipped" if plan.skipped else ""
        title.update(f"Today's birthdays: {len(plan.planned)} to wish{skipped}")
        for item in plan.planned:
            text = (item.text or "").replace("\n", " ")
            table.add_row(
                Text(item.name), Text(item.reason), Text(text[:80] + ("…" if len(text) > 80 else ""))
            )


class DashboardScreen(MainScreen):
    mode_name = "dashboard"

    def compose_body(self) -> ComposeResult:
        with Grid(id="dashboard-grid"):
            yield QuotaGauges(id="quota", classes="panel")
            with Vertical(id="status-column"):
                yield BreakerPanel(id="breaker", classes="panel")
                yield SessionPanel(id="session", classes="panel")
            yield CampaignProgress(id="progress", classes="panel")
            yield ActivityPanel(id="activity", classes="panel")
        yield BirthdayPlan(id="birthday-plan", classes="panel")

    def on_mount(self) -> None:
        super().on_mount()
        self.console.dashboard = self
        self.show_state(self.console.state)
        self.show_plan()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.show_state(self.console.state)
        self.show_plan()

    def show_state(self, state: EngineSnapshot) -> None:
        now, zone = self.console.clock(), self.console.zone
        self.query_one(QuotaGauges).show(state)
        self.query_one(BreakerPanel).show(state, now, zone)
        self.query_one(SessionPanel).show(state, now, zone)
        self.query_one(CampaignProgress).show(state.running)
        self.query_one(ActivityPanel).show(state.activity, state.next_runs, now, zone)
        self.show_chrome()

    def show_plan(self) -> None:
        self.query_one(BirthdayPlan).show(self.console.birthday_plan, self.console.birthday_plan_error)
