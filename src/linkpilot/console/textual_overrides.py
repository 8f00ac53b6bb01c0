"""Every place the console leans on Textual's internals, in one module, with why (Textual 8.2.8).

Each class below overrides something Textual does not document as public. After a Textual
upgrade, read this module first: if an override's reason is gone, delete the override; if the
internal it touches moved, the console's tests (tests/console) and the contacts bench
(bench/console.py) say so.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import Footer, Input, Log


class QuietFooter(Footer):
    """Textual's footer, rebuilt only when what it shows changes.

    Why: the stock footer removes and mounts all its keys again on every bindings refresh, and
    one comes with each focus change, each state change and each worker's end (tens of ms each:
    several per search on the contacts screen, a dozen while a screen opens). The keys, their
    labels and whether they are enabled rarely change between two refreshes.
    Internal: `Footer._bindings_ready` (set once the footer composed its keys).
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


class RepaintingInput(Input):
    """An input whose keystrokes repaint the box instead of laying out the whole screen.

    Why: `Input` sets its virtual (scrollable) width to the length of its value on every
    change, and `Widget.virtual_size` asks for a layout when it changes, which reflows every
    widget of the screen (5-28 ms of CPU per search on the contacts screen, bench/console.py).
    The box has a fixed size (console.tcss), and a scroll view keeps its own virtual size
    through a layout, so a repaint is enough: the text still scrolls under the cursor.
    Internal: the `virtual_size` reactive's `layout` flag.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


class ScrollTellingLog(Log):
    """A Log that says when the operator scrolls away from its end, or back to it.

    Why: Textual posts no message when a scroll view is scrolled by the user, and the log's
    follow mode must stop the moment the operator scrolls up to read.
    Internal: `ScrollView._on_mouse_scroll_up`, the wheel's handler (the keys' handlers,
    `action_scroll_up` and friends, are public).
    """

    class Scrolled(Message):
        def __init__(self, at_end: bool) -> None:
            super().__init__()
            self.at_end = at_end

    def action_scroll_up(self) -> None:
        super().action_scroll_up()
        self.post_message(self.Scrolled(False))

    def action_page_up(self) -> None:
        super().action_page_up()
        self.post_message(self.Scrolled(False))

    def action_scroll_home(self) -> None:
        super().action_scroll_home()
        self.post_message(self.Scrolled(False))

    def action_scroll_end(self) -> None:
        super().action_scroll_end()
        self.post_message(self.Scrolled(True))

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        super()._on_mouse_scroll_up(event)
        self.post_message(self.Scrolled(False))
