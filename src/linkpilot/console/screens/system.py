"""The system screen: how every selector fares on the live pages, and the effective settings."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from linkpilot.common.settings import masked_dump
from linkpilot.console.formatting import local
from linkpilot.console.screens.base import MainScreen
from linkpilot.console.state import ConsoleState
from linkpilot.console.workers import run_guarded
from linkpilot.engine.diagnostics import saved
from linkpilot.storage.selector_stats import StatRecord

if TYPE_CHECKING:
    from linkpilot.console.app import ConsoleApp


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


class SystemScreen(MainScreen):
    mode_name = "system"

    class StatsLoaded(Message):
        def __init__(self, stats: list[StatRecord], diagnostics: list[str] | None = None) -> None:
            super().__init__()
            self.stats = stats
            self.diagnostics = diagnostics or []

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="system-body"):
            with Vertical(id="selector-health", classes="panel"):
                yield Label("Selector health", classes="panel-title", id="selector-title")
                table: DataTable[Text] = DataTable(id="selector-table", cursor_type="row", zebra_stripes=True)
                table.add_columns("key", "candidate", "ok", "fail", "last success", "last failure")
                yield table
                yield Static("", id="diagnostics-note")
            with VerticalScroll(id="settings-view", classes="panel"):
                yield Label("Notifications", classes="panel-title")
                yield NotificationChannels(id="notify-text")
                yield Label("Effective settings (secrets masked)", classes="panel-title")
                yield Static("", id="settings-text")

    def on_mount(self) -> None:
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
            # Pages a run or a check could not read leave a copy: point the operator to it.
            found = await asyncio.to_thread(saved, settings.home) if settings is not None else []
            copies = [str(d.html) for d in found]
            self.post_message(self.StatsLoaded(await source.selector_stats(), copies))

        run_guarded(self, load, name="selector health", group="selector-health", exclusive=True)

    @on(StatsLoaded)
    def stats_loaded(self, message: SystemScreen.StatsLoaded) -> None:
        zone = self.console.zone
        table = self.query_one("#selector-table", DataTable)
        table.clear()
        failing = 0
        for stat in sorted(message.stats, key=lambda s: (s.key, -s.successes)):
            # A candidate whose last failure is newer than its last success is failing now.
            bad = stat.last_failure_at is not None and (
                stat.last_success_at is None or stat.last_failure_at > stat.last_success_at
            )
            failing += bad
            style = "red" if bad else ""
            table.add_row(
                Text(stat.key, style=style),
                Text(stat.candidate[:40] + (" (learned)" if stat.learned else ""), style=style),
                Text(str(stat.successes)),
                Text(str(stat.failures), style=style),
                Text(local(stat.last_success_at, zone) if stat.last_success_at else "—"),
                Text(local(stat.last_failure_at, zone) if stat.last_failure_at else "—", style=style),
            )
        title = f"Selector health: {len(message.stats)} candidates"
        if failing:
            title += f", {failing} failing now"
        if not message.stats:
            title += " (none used yet)"
        self.query_one("#selector-title", Label).update(Text(title))
        note = "Unreadable pages: none saved"
        if message.diagnostics:
            note = f"Unreadable pages: {len(message.diagnostics)} copies; latest {message.diagnostics[0]}"
        self.query_one("#diagnostics-note", Static).update(
            Text(note, style="red" if message.diagnostics else "")
        )
