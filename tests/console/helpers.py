"""Waiting on the console by condition (never by a bare sleep) and reading what it shows."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import TypeVar

from rich.console import Console
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot

from linkpilot.console.app import ConsoleApp
from linkpilot.console.screens.contacts import ContactsScreen

M = TypeVar("M", bound=Message)


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.01)
    await pilot.pause()


async def settle(pilot: Pilot[None]) -> ContactsScreen:
    """The contacts screen once it shows the answer to its latest query, and its total."""
    # A filter or search set just before is a message not yet handled: until it is, the screen
    # still reports the previous query as counted. Let the pending messages run first.
    await pilot.pause()
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ContactsScreen))
    screen = pilot.app.screen
    assert isinstance(screen, ContactsScreen)
    await wait_until(pilot, lambda: screen.counted)
    return screen


async def idle(pilot: Pilot[None]) -> None:
    """Every worker done (the birthday plan, page loads) and the screen redrawn."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: ConsoleApp) -> str:
    """The screen as plain text, as the operator would read it."""
    width, height = app.size
    console = Console(width=width, height=height, record=True, file=io.StringIO(), legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


class Messages:
    """Every message the app's pumps handle, in order: pass as `run_test(message_hook=...)`."""

    def __init__(self) -> None:
        self.seen: list[Message] = []

    def __call__(self, message: Message) -> None:
        self.seen.append(message)

    def of(self, kind: type[M]) -> list[M]:
        return [m for m in self.seen if isinstance(m, kind)]

    def notices(self) -> list[Notification]:
        """The notifications the operator was shown."""
        return [m.notification for m in self.of(Notify)]

    def noticed(self, text: str) -> bool:
        return any(text in n.message for n in self.notices())
