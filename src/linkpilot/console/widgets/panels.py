"""Dashboard panels. Each watches the app's state and draws from it alone, at the width it has.

Relative times ("in 1 h 05", "42 min ago") are counted from the engine's clock as of its last
tick (`ConsoleState.now`), so they move once a minute with it. A narrow panel drops its bars
and abbreviates its labels; the figures themselves are never cut.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, ProgressBar, Sparkline, Static

from linkpilot.console.formatting import action_label, ago, bar, local, relative, skew_text
from linkpilot.console.state import ConsoleState

if TYPE_CHECKING:
    from linkpilot.console.app import ConsoleApp

# Below this many cells a quota panel shows numbers without bars.
BARS_FROM = 56
# Below this many terminal columns (80x24 is most SSH clients' default) panels say less per line.
NARROW = 100


def is_narrow(widget: Widget) -> bool:
    return widget.app.size.width < NARROW


class StatePanel(Widget):
    """A panel drawn from the state: redrawn when the state changes, and when its size does."""

    def on_mount(self) -> None:
        self.watch(self.app, "state", self._changed)

    def _changed(self, state: ConsoleState) -> None:
        self.mark(state)
        self.refresh(layout=True)

    def mark(self, state: ConsoleState) -> None:
        """Set the classes the stylesheet colours the panel by (before it is drawn)."""

    @property
    def state(self) -> ConsoleState:
        return cast("ConsoleApp", self.app).state

    @property
    def now(self) -> datetime:
        console = cast("ConsoleApp", self.app)
        return console.state.now or console.clock()

    @property
    def zone(self) -> ZoneInfo:
        return cast("ConsoleApp", self.app).zone


class QuotaGauges(StatePanel):
    """Per action: today's and the rolling week's units spent against their limits, and the
    monthly budget (searches) as this month's."""

    def on_mount(self) -> None:
        super().on_mount()
        self.border_title = "Quotas"

    def render(self) -> RenderableType:
        gauges = self.state.gauges
        bars = self.content_size.width >= BARS_FROM
        # Budgets counted by calendar month only (searches) have no day or week to show: they
        # get a line of their own below, so their figures never squeeze the day and week columns.
        monthly = {a: g for a, g in gauges.items() if "day_limit" not in g and "week_limit" not in g}
        windowed = {a: g for a, g in gauges.items() if a not in monthly}
        labels = {action: action_label(action, short=not bars) for action in gauges}
        label_width = max((len(label) for label in labels.values()), default=6)
        table = Table.grid(padding=(0, 2))
        # The labels may wrap if the panel is too narrow even for them; the figures never do.
        table.add_column("action", min_width=label_width)
        table.add_column("today", no_wrap=True)
        table.add_column("week", no_wrap=True)
        table.add_row(Text("action", style="bold"), Text("today", style="bold"), Text("7 days", style="bold"))
        if not gauges:
            table.add_row(Text("no quota data yet", style="dim"), "", "")
        for action, gauge in sorted(windowed.items()):
            table.add_row(
                labels[action],
                self._cell(gauge.get("day_used", 0), gauge.get("day_limit"), bars),
                self._cell(gauge.get("week_used", 0), gauge.get("week_limit"), bars),
            )
        if not monthly:
            return table
        months = Table.grid(padding=(0, 2))
        months.add_column("action", min_width=label_width)
        months.add_column("month", no_wrap=True)
        for action, gauge in sorted(monthly.items()):
            month = self._cell(gauge.get("month_used", 0), gauge.get("month_limit"), bars)
            months.add_row(labels[action], Text.assemble(month, " this month"))
        return Group(table, months)

    @staticmethod
    def _cell(used: int, limit: int | None, bars: bool) -> Text:
        if limit is None:
            return Text("—", style="dim")
        spent = used >= limit
        style = "red" if spent else ("yellow" if used >= 0.8 * limit else "green")
        figures = Text(f"{used}/{limit}", style=style if not bars else "")
        if not bars:
            return figures
        return Text.assemble((bar(used, limit, 10), style), " ", figures)


class BreakerPanel(StatePanel):
    def render(self) -> RenderableType:
        breaker, now, zone = self.state.breaker, self.now, self.zone
        colour = {"closed": "green", "half_open": "yellow"}.get(breaker.state, "red")
        text = Text.assemble(
            ("Breaker ", "bold"), (breaker.state.replace("_", "-").upper(), f"bold {colour}")
        )
        if breaker.hard:
            text.append("  (hard: reset by hand)", style="red")
        if breaker.reason:
            text.append(f"\nreason: {breaker.reason}")
        if breaker.since is not None:
            text.append(f"\nsince {local(breaker.since, zone)} ({ago(breaker.since, now)})")
        if breaker.retry_at is not None:
            text.append(f"\nretry {local(breaker.retry_at, zone)} ({relative(breaker.retry_at, now)})")
        return text

    def mark(self, state: ConsoleState) -> None:
        self.set_class(state.breaker.state != "closed", "-alert")


class SessionPanel(StatePanel):
    def render(self) -> RenderableType:
        state, now, zone = self.state, self.now, self.zone
        session = state.session
        narrow = is_narrow(self)
        if session.status == "unknown" and session.checked_at is None:
            text = Text.assemble(("Session ", "bold"), ("not checked yet", "bold yellow"))
            text.append("\nchecked when today's plan or a campaign opens the site", style="dim")
        else:
            colour = "green" if session.status == "valid" else "red"
            text = Text.assemble(("Session ", "bold"), (session.status, f"bold {colour}"))
            if session.checked_at is not None:
                if narrow:
                    text.append(f", checked {ago(session.checked_at, now)}")
                else:
                    text.append(
                        f"\nchecked {local(session.checked_at, zone)} ({ago(session.checked_at, now)})"
                    )
        if session.expires_at is not None:
            soon = (session.expires_at - now).days < 7
            expires = local(session.expires_at, zone)
            line = (
                f"expires {expires[:6]} ({relative(session.expires_at, now)})"
                if narrow
                else f"cookie expires {expires} ({relative(session.expires_at, now)})"
            )
            text.append(f"\n{line}", style="yellow" if soon else "")
        else:
            text.append("\ncookie expiry unknown", style="dim")
        if not state.working_hours:
            text.append("\noutside working hours", style="yellow")
        if not state.clock_ok and state.clock_skew_s is not None:
            side = "ahead of" if state.clock_skew_s > 0 else "behind"
            text.append(
                f"\nclock {skew_text(state.clock_skew_s)} {side} the site's: nothing acts", style="bold red"
            )
        return text


class CampaignProgress(Vertical):
    """The running campaign: name, mode, done / total, who is being handled now."""

    def compose(self) -> ComposeResult:
        yield Label("No campaign running", id="progress-title")
        yield ProgressBar(total=None, show_eta=False, id="progress-bar")
        yield Label("", id="progress-current")

    def on_mount(self) -> None:
        self.watch(self.app, "state", self._show)

    def _show(self, state: ConsoleState) -> None:
        running = state.running
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
        yield Label("Activity", classes="panel-title", id="activity-title")
        yield Sparkline([], id="activity-spark")
        yield Static("", id="next-runs")

    def on_mount(self) -> None:
        self.watch(self.app, "state", self._show)

    def on_resize(self) -> None:
        self._show(cast("ConsoleApp", self.app).state)

    def _show(self, state: ConsoleState) -> None:
        console = cast("ConsoleApp", self.app)
        now, zone = state.now or console.clock(), console.zone
        activity, runs = state.activity, state.next_runs
        self.query_one("#activity-spark", Sparkline).data = list(activity) or [0]
        total, today = sum(activity), (activity[-1] if activity else 0)
        title = (
            f"Activity: {total} in {len(activity)} days, {today} today" if activity else "Activity: none yet"
        )
        self.query_one("#activity-title", Label).update(title)
        if not runs:
            lines = ["no run scheduled"]
        elif is_narrow(self):
            # One line: which campaign and how soon, the figures that matter, before any date.
            lines = ["next: " + " · ".join(f"{run.campaign} {relative(run.at, now)}" for run in runs[:2])]
        else:
            lines = [
                f"next {run.campaign:<12} {local(run.at, zone)} ({relative(run.at, now)})" for run in runs[:3]
            ]
        self.query_one("#next-runs", Static).update("\n".join(lines))
