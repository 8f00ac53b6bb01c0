"""What every main screen shares: the title line, the body, the key-status line and the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker

from linkpilot.console.formatting import local

if TYPE_CHECKING:
    from linkpilot.console.app import ConsoleApp

SCREEN_TITLES: tuple[tuple[str, str], ...] = (
    ("dashboard", "Dashboard"),
    ("contacts", "Contacts"),
    ("log", "Log"),
    ("system", "System"),
)


class TitleBar(Static):
    pass


class KeyStatus(Static):
    """Says why keys the footer shows dimmed cannot act now."""


class ConsoleFooter(Footer):
    """Textual's footer, rebuilt only when what it shows changes.

    The stock footer removes and mounts all its keys again on every bindings refresh, and one
    comes with each focus change and each worker's end (tens of ms each: several per search
    on the contacts screen, a dozen while a screen opens). The keys, their labels and whether
    they are enabled rarely change between two refreshes.
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[Any, ...] | None = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        shown = self._showing(screen)
        if self._bindings_ready and shown == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            # Only once a rebuild is really asked for: until then the stock footer waits.
            self._shown = shown
        super().bindings_changed(screen)

    def _showing(self, screen: Screen[Any]) -> tuple[Any, ...]:
        # What Footer.compose reads: the shown bindings and the palette's. A focus change
        # that only brings hidden bindings (the table's cursor keys) rebuilds nothing.
        app = screen.app
        return (
            self.compact,
            self.show_command_palette,
            tuple(
                (key, b.action, b.description, b.tooltip, b.group, enabled, tooltip, app.get_key_display(b))
                for key, (_, b, enabled, tooltip) in screen.active_bindings.items()
                if b.show or key == app.COMMAND_PALETTE_BINDING
            ),
        )


class MainScreen(Screen[None]):
    mode_name = "dashboard"

    @property
    def console(self) -> ConsoleApp:
        return cast("ConsoleApp", self.app)

    def compose(self) -> ComposeResult:
        yield TitleBar(id="title-bar")
        yield from self.compose_body()
        yield KeyStatus(id="key-status")
        yield ConsoleFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Worker messages do not bubble: hand them to the app's one error handler.
        self.console.worker_changed(event)

    def on_mount(self) -> None:
        self.show_chrome()

    def on_screen_resume(self) -> None:
        self.show_chrome()

    def show_chrome(self) -> None:
        console = self.console
        title = Text.assemble(("LinkPilot", "bold"), "  ")
        for n, (mode, label) in enumerate(SCREEN_TITLES, start=1):
            style = "reverse bold" if mode == self.mode_name else "dim"
            title.append(f" {n} {label} ", style=style)
            title.append(" ")
        title.append(f"  {local(console.clock(), console.zone)}", style="dim")
        self.query_one(TitleBar).update(title)
        blocked = console.blocked_summary()
        self.query_one(KeyStatus).update(Text(blocked))
        self.query_one(KeyStatus).set_class(bool(blocked), "-blocked")
