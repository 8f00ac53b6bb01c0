"""Ending a long-running command on a stop signal: promptly, with its output and log complete.

A stopped `run` or `serve` has printed its result and closed Chromium and the database by the
time it returns; what is left is the interpreter tearing itself down, every module and object
freed one by one. That took about a second of the two a stop may take, measured on the shared
two-core development machine (`tests/faults/test_run_stops_on_signal.py`), for nothing the
owner needs: so a command told to stop flushes what it wrote and leaves at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from typing import NoReturn

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


def exit_at_once(code: int) -> NoReturn:
    """Flush standard output, standard error and the log file, then end the process with `code`."""
    for stream in (sys.stdout, sys.stderr):
        # A reader that went away (a closed pipe) has nothing left to receive.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    logging.shutdown()
    os._exit(code)
