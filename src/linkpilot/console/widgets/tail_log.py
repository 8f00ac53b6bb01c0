"""The campaign log: a bounded live tail that stops following when the operator scrolls up.

Lines are kept once, in the app's bounded `LogBook` (the full log is on disk); this widget
shows the ones that pass the level and campaign filters, taking new ones whenever the app's
`log_count` moves. While the operator reads older lines nothing moves under them, and the
status line counts what is waiting below.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Label

from linkpilot.console.formatting import clock_time
from linkpilot.console.log_book import LogBook
from linkpilot.console.textual_overrides import ScrollTellingLog
from linkpilot.engine.events import LogLine

LEVELS: tuple[str, ...] = ("debug", "info", "warning", "error")
RANK = {level: n for n, level in enumerate(LEVELS)}


def format_line(line: LogLine, zone: ZoneInfo) -> str:
    campaign = f"[{line.campaign}] " if line.campaign else ""
    return f"{clock_time(line.at, zone)} {line.level.upper():<7} {campaign}{line.message}"


class TailLog(ScrollTellingLog):
    """The lines themselves."""


class LogPane(Vertical):
    """A TailLog plus the line saying whether it follows, what waits, and which filters apply."""

    min_level: reactive[str] = reactive("debug", init=False)
    campaign: reactive[str | None] = reactive(None, init=False)

    def __init__(self, book: LogBook, zone: ZoneInfo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.book = book
        self.zone = zone
        self.following = True
        self.waiting = 0
        self.seen = 0  # lines of the book already taken

    def compose(self) -> ComposeResult:
        yield TailLog(max_lines=self.book.capacity, auto_scroll=True, id="tail")
        yield Label("", id="log-status")

    def on_mount(self) -> None:
        self.reload()
        self.watch(self.app, "log_count", self._take, init=False)

    def passes(self, line: LogLine) -> bool:
        if RANK[line.level] < RANK[self.min_level]:
            return False
        return self.campaign is None or line.campaign == self.campaign

    def _take(self) -> None:
        lines, self.seen = self.book.since(self.seen), self.book.total
        self.append(lines)

    def append(self, lines: Iterable[LogLine]) -> None:
        shown = [format_line(line, self.zone) for line in lines if self.passes(line)]
        if not shown:
            return
        self.query_one(TailLog).write_lines(shown, scroll_end=self.following)
        if not self.following:
            self.waiting += len(shown)
        self._status()

    def reload(self) -> None:
        """Show the book again from scratch under the current filters."""
        tail = self.query_one(TailLog)
        tail.clear()
        self.waiting = 0
        self.seen = self.book.total
        tail.write_lines(
            [format_line(line, self.zone) for line in self.book if self.passes(line)], scroll_end=True
        )
        self.following = True
        self._status()

    def watch_min_level(self) -> None:
        self.reload()

    def watch_campaign(self) -> None:
        self.reload()

    def follow(self, on: bool) -> None:
        self.following = on
        if on:
            self.waiting = 0
            self.query_one(TailLog).scroll_end(animate=False)
        self._status()

    @on(ScrollTellingLog.Scrolled)
    def scrolled(self, message: ScrollTellingLog.Scrolled) -> None:
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
