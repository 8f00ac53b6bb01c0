"""The system screen: the clock guard's latest reading and the last page that could not be read,
how every selector fares on the live pages, the notification channels and the effective settings.

Under 100 columns (most SSH clients open 80x24) the panels stack and the selector table shows
one "last" column (the newer of the last success and the last failure) instead of two.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from linkpilot.common.settings import masked_dump
from linkpilot.console.formatting import local, skew_text, span
from linkpilot.console.screens.base import MainScreen
from linkpilot.console.state import ConsoleState
from linkpilot.console.workers import run_guarded
from linkpilot.engine.diagnostics import saved
from linkpilot.storage.selector_stats import StatRecord

if TYPE_CHECKING:
    from linkpilot.console.app import ConsoleApp


# Under this many terminal columns the panels stack and the selector table has fewer columns.
NARROW = 100
# How much of a candidate selector the table shows (the key and the counts are what matter).
CANDIDATE_WIDTH = 40


def settings_lines(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    """TOML-like lines, one per leaf: what the settings file would hold."""
    lines: list[str] = []
    for key, value in sorted(data.items()):
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            lines.extend(settings_lines(value, f"{name}."))
        else:
            lines.append(f"{name} = {value!r}" if isinstance(value, str) else f"{name} = {value}")
    return lines


class NotificationChannels(Static):
    """Each notification channel (masked) and its last delivery, as the engine last told it."""

    def on_mount(self) -> None:
        self.watch(self.app, "state", self._show)

    def _show(self, state: ConsoleState) -> None:
        zone = cast("ConsoleApp", self.app).zone
        text = Text()
        for channel in state.notifications:
            when = f"{local(channel.last_at, zone)}  " if channel.last_at else ""
            style = "red" if channel.delivered is False else ""
            text.append(f"{channel.label}\n", style="bold")
            text.append(f"  {when}{channel.describe()}\n", style=style)
        self.update(text if state.notifications else Text("no channel ([notify] urls)"))


class GuardStatus(Static):
    """The clock guard's latest reading, and the latest run stopped by a page it could not read."""

    def on_mount(self) -> None:
        self.watch(self.app, "state", self._show)

    def _show(self, state: ConsoleState) -> None:
        console = cast("ConsoleApp", self.app)
        settings = console.settings
        tolerance = f" (tolerance {span(settings.clock.tolerance)})" if settings is not None else ""
        skew = state.clock_skew_s
        if skew is None:
            text = Text(
                f"Clock: not compared with LinkedIn's yet; each run does first{tolerance}", style="dim"
            )
        else:
            side = "ahead of" if skew > 0 else "behind"
            off = f"{skew_text(skew)} {side}" if abs(skew) >= 1 else "within 1 s of"
            line = f"Clock: {off} LinkedIn's{tolerance}"
            if state.clock_ok:
                text = Text(line)
            else:
                text = Text(f"{line}: beyond it, nothing acts", style="bold red")
        stop = state.unreadable
        if stop is not None:
            why = f" ({stop.why})" if stop.why else ""
            text.append(
                f"\nStopped {local(stop.at, console.zone)}: {stop.campaign} could not read "
                f"the {stop.page} page{why}; nothing was done",
                style="bold red",
            )
        self.update(text)


class SystemScreen(MainScreen):
    mode_name = "system"

    class StatsLoaded(Message):
        def __init__(self, stats: list[StatRecord], diagnostics: list[str] | None = None) -> None:
            super().__init__()
            self.stats = stats
            self.diagnostics = diagnostics or []

    def __init__(self) -> None:
        super().__init__()
        self.stats: list[StatRecord] = []

    def compose_body(self) -> ComposeResult:
        yield GuardStatus(id="guard-status")
        # Pages a run or a check could not read leave a copy: the operator is pointed to it.
        yield Static("", id="diagnostics-note")
        with Horizontal(id="system-body"):
            with Vertical(id="selector-health", classes="panel"):
                yield Static("Selector health", classes="panel-title", id="selector-title")
                yield DataTable[Text](id="selector-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="settings-view", classes="panel"):
                yield Label("Notifications", classes="panel-title")
                yield NotificationChannels(id="notify-text")
                yield Label("Effective settings (secrets masked)", classes="panel-title")
                yield Static("", id="settings-text")

    @property
    def narrow(self) -> bool:
        return self.app.size.width < NARROW

    def on_resize(self, event: events.Resize) -> None:
        if self.has_class("-narrow") != (event.size.width < NARROW):
            self._show_stats()

    def on_mount(self) -> None:
        self._show_stats()
        settings = self.console.settings
        lines = settings_lines(masked_dump(settings)) if settings is not None else ["not available"]
        self.query_one("#settings-text", Static).update(Text("\n".join(lines)))
        self.reload()

    def on_screen_resume(self) -> None:
        # Read again each time the screen is shown: a run since may have used new candidates.
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        source = self.console.contacts
        settings = self.console.settings

        async def load() -> None:
            found = await asyncio.to_thread(saved, settings.home) if settings is not None else []
            copies = [str(d.html) for d in found]
            self.post_message(self.StatsLoaded(await source.selector_stats(), copies))

        run_guarded(self, load, name="selector health", group="selector-health", exclusive=True)

    @on(StatsLoaded)
    def stats_loaded(self, message: SystemScreen.StatsLoaded) -> None:
        self.stats = message.stats
        self._show_stats()
        note = "Unreadable pages: none saved"
        if message.diagnostics:
            count = len(message.diagnostics)
            note = f"Unreadable pages: {count} cop{'y' if count == 1 else 'ies'}; latest {message.diagnostics[0]}"
        self.query_one("#diagnostics-note", Static).update(
            Text(note, style="red" if message.diagnostics else "")
        )

    def _show_stats(self) -> None:
        narrow = self.narrow
        self.set_class(narrow, "-narrow")
        zone = self.console.zone
        table = self.query_one("#selector-table", DataTable)
        table.clear(columns=True)
        # The figures before the candidate: if anything runs off the edge, it is selector text.
        if narrow:
            table.add_columns("key", "ok", "fail", "last", "candidate")
        else:
            table.add_columns("key", "ok", "fail", "last success", "last failure", "candidate")
        failing = 0
        for stat in sorted(self.stats, key=lambda s: (s.key, -s.successes)):
            # A candidate whose last failure is newer than its last success is failing now.
            bad = stat.last_failure_at is not None and (
                stat.last_success_at is None or stat.last_failure_at > stat.last_success_at
            )
            failing += bad
            style = "red" if bad else ""
            if narrow:
                last = stat.last_failure_at if bad else stat.last_success_at
                mark = "✗" if bad else "✓"
                when = [Text(f"{mark} {local(last, zone)}" if last else "—", style=style)]
            else:
                when = [
                    Text(local(stat.last_success_at, zone) if stat.last_success_at else "—"),
                    Text(local(stat.last_failure_at, zone) if stat.last_failure_at else "—", style=style),
                ]
            table.add_row(
                Text(stat.key, style=style),
                Text(str(stat.successes)),
                Text(str(stat.failures), style=style),
                *when,
                Text(stat.candidate[:CANDIDATE_WIDTH] + (" (learned)" if stat.learned else ""), style=style),
            )
        name = "Selectors" if narrow else "Selector health"
        title = f"{name}: {len(self.stats)} candidates"
        if failing:
            title += f", {failing} failing now"
        if not self.stats:
            title += " (none used yet)"
        self.query_one("#selector-title", Static).update(Text(title))
