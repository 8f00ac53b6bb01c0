"""The console never outlives its terminal: SIGTERM, SIGHUP, or a terminal closed under it.

A real `linkpilot console` runs on a pseudo-terminal this test holds the other end of. It is
started in a session of its own, so the terminal is not its controlling terminal: closing it
sends no SIGHUP, and the console must notice the loss by itself (end of file or EIO on input,
EIO on output). Before the fix it did not, and ran on for good.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.faults.realproc import wait_until
from tests.pty_console import console_on_pty

# The bound the console promises: from the signal (or the loss) to the process gone.
WITHIN_S = 2.0


@dataclass
class Terminal:
    """The operator's side of a pseudo-terminal, read continuously as a real terminal would."""

    master: int
    shown: bytearray = field(default_factory=bytearray)
    closed: bool = False

    def read_forever(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.shown.extend(data)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self.master)


@pytest.fixture
def console(home: Path) -> Iterator[tuple[subprocess.Popen[bytes], Terminal]]:
    proc, master = console_on_pty(home, TERM="xterm-256color")
    terminal = Terminal(master)
    reader = threading.Thread(target=terminal.read_forever, daemon=True)
    reader.start()
    try:
        yield proc, terminal
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        terminal.close()
        reader.join(timeout=10)


def _lock_is_free(home: Path) -> bool:
    with (home / "console.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def _database_files_open(pid: int, home: Path) -> list[str]:
    found = []
    with contextlib.suppress(FileNotFoundError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith(str(home)):
                    found.append(target)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("ending", ["SIGTERM", "SIGHUP", "terminal closed"])
def test_the_console_ends_within_two_seconds_and_lets_go_of_its_lock(
    console: tuple[subprocess.Popen[bytes], Terminal], home: Path, ending: str
) -> None:
    proc, terminal = console
    wait_until("the console to draw its dashboard", lambda: b"Breaker" in terminal.shown, timeout=60)
    assert not _lock_is_free(home)
    assert any(path.endswith("linkpilot.db") for path in _database_files_open(proc.pid, home))

    started = time.monotonic()
    if ending == "terminal closed":
        terminal.close()
    else:
        proc.send_signal(getattr(signal, ending))
    code = proc.wait(timeout=30)
    took = time.monotonic() - started

    assert took < WITHIN_S, f"the console took {took:.2f} s to end after {ending}"
    assert code == 0
    assert _lock_is_free(home)
    assert not (home / "crash.log").exists()
