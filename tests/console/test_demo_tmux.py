"""The README's first command in a real terminal: `linkpilot demo` under tmux, driven by keys."""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.console.test_console_command import tmux, wait_for_screen  # noqa: F401 (fixture)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_demo_runs_a_birthday_campaign_from_the_keyboard(tmux: Callable[..., str], tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "demo"
    status = tmp_path / "status"
    tmux("-f", "/dev/null", "new-session", "-d", "-s", "console", "-x", "130", "-y", "42", "sh")
    command = (
        f"env -u COLUMNS -u LINES {sys.executable} -m linkpilot demo --home {folder}; echo exit=$? > {status}"
    )
    tmux("send-keys", "-t", "console", command, "Enter")
    # The dashboard shows today's plan, read from the practice site's birthday page.
    # The title and the table's rows are drawn in two frames: wait for the one with both.
    wait_for_screen(tmux, "Today's birthdays: 15 to wish", "birthday today", within=180)
    tmux("send-keys", "-t", "console", "b")
    wait_for_screen(tmux, "Run the birthday campaign: 15 people?", "Yes, run", within=120)
    # The focus starts on "No": step back to "Yes, run" and confirm.
    tmux("send-keys", "-t", "console", "BTab", "Enter")
    wait_for_screen(tmux, "birthday (live)", within=60)
    tmux("send-keys", "-t", "console", "3")
    shown = wait_for_screen(tmux, "[birthday]", ": sent", within=120)
    first_sent = next(line for line in shown.splitlines() if ": sent" in line)
    # Stop after the current person, confirmed, then quit: the demo leaves cleanly.
    tmux("send-keys", "-t", "console", "x")
    wait_for_screen(tmux, "Stop the birthday campaign", within=30)
    tmux("send-keys", "-t", "console", "BTab", "Enter")
    wait_for_screen(tmux, "Campaign finished", within=120)
    tmux("send-keys", "-t", "console", "q")
    deadline = time.monotonic() + 60
    while not status.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status.read_text().strip() == "exit=0"
    # What the screen said was sent is what the demo's storage recorded.
    name = first_sent.split("[birthday]", 1)[1].split(": sent", 1)[0].strip()
    with sqlite3.connect(folder / "linkpilot.db") as conn:
        sent = [
            row[0]
            for row in conn.execute(
                "SELECT c.name FROM interactions i JOIN contacts c ON c.id = i.contact_id WHERE i.state = 'sent'"
            )
        ]
        runs = conn.execute(
            "SELECT campaign, dry_run, status FROM campaign_runs WHERE dry_run = 0"
        ).fetchall()
    assert name in sent
    # The run was recorded with its outcome: stopped by the operator.
    assert runs == [("birthday", 0, "stopped")]
