"""The campaign log: a bounded live tail that stops following when the operator scrolls up.

Lines are kept once, in a bounded deque owned by the app (the full log is on disk); this
widget shows the ones that pass the level and campaign filters. While the operator reads
older lines nothing moves under them, and the status line counts what is waiting below.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, Log

from linkpilot.console.formatting import clock_time
from linkpilot.engine.events import LogLine

LEVELS: tuple[str, ...] = ("debug", "info", "warning", "error")
RANK = {level: n for n, level in enumerate(LEVELS)}


def format_line(line: LogLine, zone: ZoneInfo) -> str:
    campaign = f"[{line.campaign}] " if line.campaign else ""
    return f"{clock_time(line.at, zone)} {line.level.upper():<7} {campaign}{line.message}"


class TailLog(Log):
    """A Log that tells its pane when the operator scrolls away from the end, or back to it."""

    class Scrolled(Message):
        def __init__(self, at_end: bool) -> None:
            super().__init__()
            self.at_end = at_end

    def _report(self) -> None:
        self.post_message(self.Scrolled(self.scroll_y >= self.max_scroll_y))

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


class LogPane(Vertical):
    """A TailLog plus the line saying whether it follows, what waits, and which filters apply."""

    def __init__(self, zone: ZoneInfo, *, max_lines: int, id: str | None = None) -> None:
        super().__init__(id=id)
        self.zone = zone
        self.max_lines = max_lines
        self.min_level = "debug"
        self.campaign: str | None = None
        self.following = True
        self.waiting = 0

    def compose(self) -> ComposeResult:
        yield TailLog(max_lines=self.max_lines, auto_scroll=True, id="tail")
        yield Label("", id="log-status")

    def on_mount(self) -> None:
        self._status()

    def passes(self, line: LogLine) -> bool:
        if RANK[line.level] < RANK[self.min_level]:
            return False
        return self.campaign is None or line.campaign == self.campaign

    def append(self, lines: Iterable[LogLine]) -> None:
        shown = [format_line(line, self.zone) for line in lines if self.passes(line)]
        if not shown:
            return
        self.query_one(TailLog).write_lines(shown, scroll_end=self.following)
        if not self.following:
            self.waiting += len(shown)
        self._status()

    def reload(self, lines: Iterable[LogLine]) -> None:
        """Show `lines` again from scratch under the current filters (after a filter change)."""
        tail = self.query_one(TailLog)
        tail.clear()
        self.waiting = 0
        tail.write_lines(
            [format_line(line, self.zone) for line in lines if self.passes(line)], scroll_end=True
        )
        self.following = True
        self._status()

    def follow(self, on: bool) -> None:
        self.following = on
        if on:
            self.waiting = 0
            self.query_one(TailLog).scroll_end(animate=False)
        self._status()

    def on_tail_log_scrolled(self, message: TailLog.Scrolled) -> None:
        message.stop()
        if message.at_end != self.following:
            self.follow(message.at_end)

    def _status(self) -> None:
        if self.following:
            state = "following"
        else:
            state = f"paused, {self.waiting} new line{'s' if self.waiting != 1 else ''} below (End to follow)"
        campaign = self.campaign or "all campaigns"
        self.query_one("#log-status", Label).update(Text(f"{state} · level ≥ {self.min_level} · {campaign}"))
        self.set_class(not self.following, "-paused")
