"""What every main screen shares: the title line, the body, the key-status line and the footer.

Each of these widgets watches the app's state itself: nothing pushes to a screen by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from linkpilot.console.formatting import local
from linkpilot.console.textual_overrides import QuietFooter

if TYPE_CHECKING:
    from linkpilot.console.app import ConsoleApp

SCREEN_TITLES: tuple[tuple[str, str], ...] = (
    ("dashboard", "Dashboard"),
    ("contacts", "Contacts"),
    ("log", "Log"),
    ("system", "System"),
)


class ConsoleScreen(Screen[None]):
    """A screen of the console: typed access to the app that holds the state it watches."""

    @property
    def console(self) -> ConsoleApp:
        return cast("ConsoleApp", self.app)


class TitleBar(Static):
    """Where you are, and the engine's time in the configured zone (moved by its minute tick)."""

    def __init__(self, current: str) -> None:
        super().__init__(id="title-bar")
        self.current = current

    def on_mount(self) -> None:
        self.watch(self.app, "state", self._show)

    def _show(self) -> None:
        console = cast("ConsoleApp", self.app)
        narrow = self.app.size.width < 100
        title = Text.assemble(("LinkPilot", "bold"), " " if narrow else "  ")
        for n, (mode, label) in enumerate(SCREEN_TITLES, start=1):
            style = "reverse bold" if mode == self.current else "dim"
            title.append(f" {n} {label} ", style=style)
            title.append("" if narrow else " ")
        now = console.state.now or console.clock()
        title.append(f"  {local(now, console.zone)}", style="dim")
        self.update(title)


class KeyStatus(Static):
    """Says why keys the footer shows dimmed cannot act now."""

    def on_mount(self) -> None:
        self.watch(self.app, "state", self._show)
        self.watch(self.app, "busy", self._show)

    def _show(self) -> None:
        blocked = cast("ConsoleApp", self.app).blocked_summary()
        self.update(Text(blocked))
        self.set_class(bool(blocked), "-blocked")


class MainScreen(ConsoleScreen):
    mode_name = "dashboard"

    def compose(self) -> ComposeResult:
        yield TitleBar(self.mode_name)
        yield from self.compose_body()
        yield KeyStatus(id="key-status")
        yield QuietFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()
