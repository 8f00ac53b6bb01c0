from __future__ import annotations

import io

from linkpilot.cli.progress import ProgressPrinter
from linkpilot.engine.events import CampaignStarted, LogLine, Progress


def test_terminal_gets_a_bar_redrawn_in_place_and_log_lines_above_it() -> None:
    stream = io.StringIO()
    printer = ProgressPrinter(stream, tty=True)
    printer(CampaignStarted(campaign="birthday", run_id=1, dry_run=False, planned=4))
    printer(Progress(campaign="birthday", run_id=1, done=1, total=4, current="Ada Lovelace"))
    printer(LogLine(level="info", message="quiet unless verbose"))
    printer(LogLine(level="warning", message="Bob: unknown"))
    printer(Progress(campaign="birthday", run_id=1, done=4, total=4))
    printer.close()
    text = stream.getvalue()
    assert text.startswith("birthday: 4 planned (live)\n")
    assert "\r\x1b[2Kbirthday [" in text
    assert "] 1/4 Ada Lovelace" in text
    assert "quiet unless verbose" not in text
    # The warning clears the bar's line before it is printed, then the bar comes back.
    assert "\r\x1b[2Kwarning: Bob: unknown\n" in text
    assert text.endswith("] 4/4\n")


def test_without_a_terminal_there_is_no_bar_and_verbose_prints_every_line() -> None:
    stream = io.StringIO()
    printer = ProgressPrinter(stream, tty=False, verbose=True)
    printer(CampaignStarted(campaign="sourcing", run_id=2, dry_run=True, planned=0))
    printer(Progress(campaign="sourcing", run_id=2, done=0, total=0))
    printer(LogLine(level="info", message="page 1: 10 results"))
    printer.close()
    assert stream.getvalue() == "sourcing: 0 planned (dry run)\ninfo: page 1: 10 results\n"
