"""`linkpilot console` on a real pseudo-terminal, for the suites that read what it draws or
take its terminal away."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path


def console_on_pty(
    home: Path, *, drop: tuple[str, ...] = ("COLUMNS", "LINES"), **env: str
) -> tuple[subprocess.Popen[bytes], int]:
    """The console on a new 120x40 terminal, and the terminal's own end (the caller reads and
    closes it). In a session of its own: the terminal is not its controlling terminal, so its
    loss sends no SIGHUP."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    environment = {k: v for k, v in os.environ.items() if k not in drop}
    environment.update(LINKPILOT_HOME=str(home), **env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "linkpilot", "console"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=environment,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    return proc, master
