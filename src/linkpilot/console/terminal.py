"""Textual's Linux driver, made to let go of a terminal that has gone away.

Found after the test suite: consoles whose tmux server had been killed ran on for good,
ignoring SIGHUP and SIGTERM. When a terminal hangs up, the kernel sends its controlling
process SIGHUP *and* SIGCONT. Textual takes any SIGCONT as the end of a Ctrl+Z suspension and
starts application mode again: a second writer thread, whose first write to the dead terminal
raises EIO and ends it. Its queue (30 writes) then fills, and the next write — the very
shutdown that SIGHUP asked for — waits forever on the main thread, with the event loop (and so
every later signal handler) stuck behind it.

Three changes, each closing one way to hang: SIGCONT resumes only after a suspension this
driver saw; output to a dead terminal is dropped instead of killing the writer thread; and
the terminal's loss, seen on input (EOF or EIO) or output (EIO), is reported once, so the
console shuts down even when no SIGHUP reaches it (a process outside the terminal's session).
"""

from __future__ import annotations

import contextlib
import errno
import os
import selectors
import threading
from codecs import getincrementaldecoder
from collections.abc import Callable
from typing import IO, Any

from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.drivers.linux_driver import LinuxDriver

# What a read or write on a hung-up terminal fails with (EIO), or on a closed descriptor.
GONE = frozenset({errno.EIO, errno.EBADF, errno.ENXIO})


class TerminalOutput:
    """The driver's output file: a write the dead terminal refuses is dropped, never raised."""

    def __init__(self, file: IO[str], lost: Callable[[], None]) -> None:
        self._file = file
        self._lost = lost
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self._file.write(text)
            except OSError as exc:
                self._give_up(exc)
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._file.flush()
            except OSError as exc:
                self._give_up(exc)

    def fileno(self) -> int:
        return self._file.fileno()

    def _give_up(self, exc: OSError) -> None:
        if exc.errno not in GONE:
            raise exc
        self.gone = True
        self._lost()


class ConsoleDriver(LinuxDriver):
    """LinuxDriver that reports the terminal's loss through `on_terminal_lost` (see module doc)."""

    on_terminal_lost: Callable[[], None] = staticmethod(lambda: None)

    def __init__(
        self,
        app: App[Any],
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self._suspended = False
        self._reported = threading.Event()
        assert self._file is not None
        self._file = TerminalOutput(self._file, self._report_lost)  # type: ignore[assignment]

    def _report_lost(self) -> None:
        # From the input or the writer thread, or both: the console hears of it once.
        if not self._reported.is_set():
            self._reported.set()
            type(self).on_terminal_lost()

    def _sigtstp_application(self, *args: Any) -> None:
        self._suspended = True
        super()._sigtstp_application(*args)

    def _sigcont_application(self, *args: Any) -> None:
        # A SIGCONT that follows no suspension of ours comes from a hang-up (or a stray `kill
        # -CONT`): restarting application mode then is what used to wedge the process.
        if self._suspended:
            self._suspended = False
            super()._sigcont_application(*args)

    def run_input_thread(self) -> None:
        """Textual 8.2's input loop, which on end of file spun forever (it only skipped the empty
        read), and on EIO drew a traceback on a terminal nobody has any more. Here either one
        ends the loop and reports the terminal lost."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def process(ready: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> bool:
            """Feed what the terminal sent to the app; False once the terminal is gone."""
            for last, (_key, mask) in loop_last(ready):
                if mask & selectors.EVENT_READ:
                    try:
                        data = os.read(self.fileno, 4096)
                    except OSError as exc:
                        if exc.errno not in GONE:
                            raise
                        data = b""
                    if not data:
                        return False
                    text = decode(data, final=final and last)
                    # An empty feed means "end of input" to the parser: half a UTF-8 character waits.
                    for event in parser.feed(text) if text else ():
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)
            return True

        try:
            while not self.exit_event.is_set():
                if not process(selector.select(0.1)):
                    self._report_lost()
                    return
            selector.unregister(self.fileno)
            process(selector.select(0.1), final=True)
        finally:
            selector.close()
            with contextlib.suppress(EOFError, ParseError):
                for _event in parser.feed(""):
                    pass


def console_driver(on_terminal_lost: Callable[[], None]) -> type[LinuxDriver]:
    """A ConsoleDriver class whose instances call `on_terminal_lost` (from any thread) once."""
    return type("BoundConsoleDriver", (ConsoleDriver,), {"on_terminal_lost": staticmethod(on_terminal_lost)})
