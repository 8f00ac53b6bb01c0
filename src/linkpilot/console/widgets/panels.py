"""Dashboard panels. Each renders from an EngineSnapshot and the injected clock, nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, ProgressBar, Sparkline, Static

from linkpilot.console.facade import EngineSnapshot, RunningView, ScheduledRun
from linkpilot.console.formatting import action_label, bar, local, relative


class QuotaGauges(Static):
    """Per action: today's and the rolling week's units spent against their limits."""

    def show(self, state: EngineSnapshot) -> None:
        table = Table.grid(padding=(0, 2))
        table.add_column("action", min_width=14, no_wrap=True)
        table.add_column("today", no_wrap=True)
        table.add_column("week", no_wrap=True)
        table.add_row(Text("action", style="bold"), Text("today", style="bold"), Text("week", style="bold"))
        if not state.gauges:
            table.add_row(Text("no quota data yet", style="dim"), "", "")
        for action, gauge in sorted(state.gauges.items()):
            table.add_row(
                action_label(action),
                self._cell(gauge.get("day_used", 0), gauge.get("day_limit")),
                self._cell(gauge.get("week_used", 0), gauge.get("week_limit")),
            )
        self.update(table)

    @staticmethod
    def _cell(used: int, limit: int | None) -> Text:
        spent = limit is not None and used >= limit
        style = "red" if spent else ("yellow" if limit and used >= 0.8 * limit else "green")
        shown = "—" if limit is None else str(limit)
        return Text.assemble((bar(used, limit, 10), style), f" {used:>3}/{shown:<3}")


class BreakerPanel(Static):
    def show(self, state: EngineSnapshot, now: datetime, zone: ZoneInfo) -> None:
        breaker = state.breaker
        colour = {"closed": "green", "half_open": "yellow"}.get(breaker.state, "red")
        text = Text.assemble(
            ("Breaker ", "bold"), (breaker.state.replace("_", "-").upper(), f"bold {colour}")
        )
        if breaker.hard:
            text.append("  (hard: reset by hand)", style="red")
        if breaker.reason:
            text.append(f"\nreason: {breaker.reason}")
        if breaker.since is not None:
            text.append(f"\nsince {local(breaker.since, zone)} ({relative(breaker.since, now)})")
        if breaker.retry_at is not None:
            text.append(f"\nretry {local(breaker.retry_at, zone)} ({relative(breaker.retry_at, now)})")
        self.set_class(breaker.state != "closed", "-alert")
        self.update(text)


class SessionPanel(Static):
    def show(self, state: EngineSnapshot, now: datetime, zone: ZoneInfo) -> None:
        session = state.session
        colour = "green" if session.status == "valid" else "red"
        text = Text.assemble(("Session ", "bold"), (session.status, f"bold {colour}"))
        if session.expires_at is not None:
            soon = (session.expires_at - now).days < 7
            text.append(
                f"\ncookie expires {local(session.expires_at, zone)} ({relative(session.expires_at, now)})",
                style="yellow" if soon else "",
            )
        else:
            text.append("\ncookie expiry unknown", style="dim")
        if not state.working_hours:
            text.append("\noutside working hours", style="yellow")
        if not state.clock_ok and state.clock_skew_s is not None:
            side = "ahead of" if state.clock_skew_s > 0 else "behind"
            text.append(
                f"\nclock {abs(state.clock_skew_s):.0f} s {side} the site's: nothing acts", style="bold red"
            )
        self.update(text)


class CampaignProgress(Vertical):
    """The running campaign: name, mode, done / total, who is being handled now."""

    def compose(self) -> ComposeResult:
        yield Label("No campaign running", id="progress-title")
        yield ProgressBar(total=None, show_eta=False, id="progress-bar")
        yield Label("", id="progress-current")

    def show(self, running: RunningView | None) -> None:
        title = self.query_one("#progress-title", Label)
        bar_widget = self.query_one("#progress-bar", ProgressBar)
        current = self.query_one("#progress-current", Label)
        self.set_class(running is not None, "-running")
        if running is None:
            title.update("No campaign running")
            bar_widget.update(total=None, progress=0)
            current.update("")
            return
        mode = "dry run" if running.dry_run else "live"
        paused = "  (paused)" if running.paused else ""
        # Text, not markup: names and campaign output may hold brackets.
        title.update(Text(f"{running.campaign} ({mode}) {running.done}/{running.total}{paused}"))
        bar_widget.update(total=max(running.total, 1), progress=running.done)
        current.update(Text(f"now: {running.current}") if running.current else "")


class ActivityPanel(Vertical):
    """Actions per day over the last 30 days, and the next scheduled runs."""

    def compose(self) -> ComposeResult:
        yield Label("Activity, last 30 days", classes="panel-title")
        yield Sparkline([], id="activity-spark")
        yield Static("", id="next-runs")

    def show(
        self, activity: Sequence[int], runs: Sequence[ScheduledRun], now: datetime, zone: ZoneInfo
    ) -> None:
        self.query_one("#activity-spark", Sparkline).data = list(activity) or [0]
        total = sum(activity)
        lines = [f"{total} actions in {len(activity)} days" if activity else "no activity yet"]
        if runs:
            lines.append("next runs:")
            lines.extend(
                f"  {run.campaign:<12} {local(run.at, zone)} ({relative(run.at, now)})" for run in runs[:3]
            )
        else:
            lines.append("no run scheduled")
        self.query_one("#next-runs", Static).update("\n".join(lines))
