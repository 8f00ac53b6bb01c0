"""The console on a 256-colour terminal: a real pseudo-terminal, the bytes it writes read back.

A Pi reached over SSH from an old terminal (or tmux with `default-terminal screen-256color`)
has no 24-bit colour. Textual picks its colour system from TERM/COLORTERM; these tests check
the console, as a real process, writes only 256-colour escapes there and 24-bit ones when the
terminal says it has them (so the first assertion could fail), and that it leaves cleanly.
"""

from __future__ import annotations

import os
import re
import select
import time
from pathlib import Path

import pytest

from tests.pty_console import console_on_pty

TRUECOLOR = re.compile(rb"\x1b\[[0-9;]*[34]8;2;")
INDEXED = re.compile(rb"\x1b\[[0-9;]*[34]8;5;")


def console_output(home: Path, **term: str) -> bytes:
    """Everything `linkpilot console` writes to a 120x40 terminal until it quits on `q`."""
    dropped = ("COLORTERM", "TEXTUAL_COLOR_SYSTEM", "NO_COLOR", "COLUMNS", "LINES")
    proc, master = console_on_pty(home, drop=dropped, **term)
    seen = bytearray()
    quit_sent = False
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the other side closed: the app has gone
                    break
                if not chunk:
                    break
                seen += chunk
            if not quit_sent and b"CLOSED" in seen:
                os.write(master, b"q")
                quit_sent = True
            if quit_sent and proc.poll() is not None:
                break
        assert quit_sent, f"the dashboard never showed the breaker; the terminal got {bytes(seen[-400:])!r}"
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return bytes(seen)


@pytest.mark.slow
def test_a_256_colour_terminal_gets_only_256_colour_escapes(home: Path) -> None:
    out = console_output(home, TERM="xterm-256color")
    assert INDEXED.search(out), "no 256-colour escape at all: was anything drawn?"
    assert not TRUECOLOR.search(out)


@pytest.mark.slow
def test_a_truecolor_terminal_gets_24_bit_escapes(home: Path) -> None:
    out = console_output(home, TERM="xterm-256color", COLORTERM="truecolor")
    assert TRUECOLOR.search(out)
