"""Headless runs: a one-line progress bar on a terminal, log lines otherwise."""

from __future__ import annotations

import shutil
from typing import TextIO

from linkpilot.engine.events import CampaignStarted, Event, LogLine, Progress


class ProgressPrinter:
    """Subscribes to the engine's events, like the console does, and draws on stderr."""

    def __init__(self, stream: TextIO, *, tty: bool, verbose: bool = False) -> None:
        self.stream = stream
        self.tty = tty
        self.verbose = verbose
        self._bar_shown = False

    def __call__(self, event: Event) -> None:
        if isinstance(event, Progress) and self.tty:
            self._draw(event)
        elif isinstance(event, CampaignStarted):
            mode = "dry run" if event.dry_run else "live"
            self._line(f"{event.campaign}: {event.planned} planned ({mode})")
        elif isinstance(event, LogLine) and (self.verbose or event.level in ("warning", "error")):
            self._line(f"{event.level}: {event.message}")

    def _line(self, text: str) -> None:
        if self._bar_shown:
            self.stream.write("\r\x1b[2K")
            self._bar_shown = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def _draw(self, event: Progress) -> None:
        columns = shutil.get_terminal_size((80, 24)).columns
        width = max(10, min(40, columns - 40))
        filled = 0 if event.total == 0 else round(width * event.done / event.total)
        current = f" {event.current}" if event.current else ""
        text = (
            f"{event.campaign} [{'#' * filled}{'.' * (width - filled)}] {event.done}/{event.total}{current}"
        )
        self.stream.write("\r\x1b[2K" + text[: columns - 1])
        self.stream.flush()
        self._bar_shown = True

    def close(self) -> None:
        if self._bar_shown:
            self.stream.write("\n")
            self.stream.flush()
            self._bar_shown = False
