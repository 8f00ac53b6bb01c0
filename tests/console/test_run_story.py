"""A real run as the console tells it: the engine service, real headless Chromium and the
practice site in this process, all on one frozen clock.

The operator starts the birthday campaign from the dashboard and reads the log screen: the plan
with its counts and each person's reason, the start, each person's outcome and why, the skips
and why, the finish with its counts; the level filter hides the debug lines. A run stopped by a
page it could not read shows on the system screen, with the clock guard's reading."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Static

from linkpilot.common.settings import Settings
from linkpilot.console.screens.dialogs import ConfirmCampaignScreen
from linkpilot.console.screens.log import LogScreen
from linkpilot.console.screens.system import SystemScreen
from linkpilot.console.widgets.tail_log import LogPane, TailLog
from linkpilot.sandbox import RunningSandbox
from tests.console.helpers import idle, screen_text, wait_until
from tests.console.real_engine import RUN_S, console, signed_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]

SIZE = (120, 40)


@pytest.fixture
def settings(tmp_path: Path, site: RunningSandbox) -> Settings:
    return signed_in(tmp_path, site)


async def test_the_log_tells_the_story_of_a_run(settings: Settings, site: RunningSandbox) -> None:
    async with console(settings, site, SIZE) as (app, pilot, _, finished):
        # Nothing has looked at the session yet: the panel says so, not "unknown".
        assert "Session not checked yet" in screen_text(app)
        await idle(pilot)  # today's plan read from the site (a dry look)
        # Late wishes say how late as a person would: "yesterday", "2 days ago".
        await wait_until(pilot, lambda: "Today's birthdays: 15 to wish" in screen_text(app), RUN_S)
        await wait_until(pilot, lambda: "Mehdi Nelson " in screen_text(app))
        dashboard = screen_text(app)
        assert re.search(r"Zoe Garnier +birthday yesterday +Happy belated birthday, Zoe!", dashboard)
        assert re.search(r"Emma Fournier +birthday 2 days ago +Happy belated birthday, Emma!", dashboard)
        assert "day(s)" not in dashboard
        # Reading the plan proved the session: the panel says when.
        assert "checked 26 Nov 10:00 (just now)" in dashboard
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmCampaignScreen), RUN_S)
        app.screen.query_one("#yes").focus()
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: any(line.message.startswith("finished") for line in app.log_book), RUN_S
        )
        await pilot.press("3")
        await wait_until(pilot, lambda: isinstance(app.screen, LogScreen))
        pane = app.screen.query_one(LogPane)
        tail = pane.query_one(TailLog)
        story = [str(line).removeprefix("10:00:00 ") for line in tail.lines]

        (run,) = finished
        assert (run.counts.sent, run.counts.skipped, run.stopped) == (14, 8, "completed")
        # The run acts on the plan the dialog showed, checked again, without reading the site again.
        assert (
            story[0]
            == "INFO    [birthday] the plan as confirmed, read from the site at 10:00, checked again now"
        )
        # The plan with its counts and reasons, each person planned and why, each skip and why.
        assert story[1] == (
            "INFO    [birthday] plan: 15 planned, 7 skipped "
            "(3 not first degree, 3 not in window, 1 over run cap)"
        )
        assert "DEBUG   [birthday] planned Liam Morel: birthday today" in story
        assert "DEBUG   [birthday] skipped Grace Baker: not first degree" in story
        assert "DEBUG   [birthday] skipped Antoine Davis: over run cap" in story
        # The start, then each person with the outcome and why, a skip met on the way and why.
        started = story.index("INFO    [birthday] started: 15 to go, one at a time")
        acted = story[started + 1 : -1]
        assert len(acted) == 15
        assert acted[0] == "INFO    [birthday] Liam Morel: sent (birthday today)"
        assert "INFO    [birthday] Vincent Dupont: skipped because wished in thread" in acted
        assert "INFO    [birthday] Zoe Garnier: sent (birthday yesterday)" in acted
        assert "INFO    [birthday] Emma Fournier: sent (birthday 2 days ago)" in acted
        # The finish, with its counts.
        assert story[-1] == "INFO    [birthday] finished (completed): 14 sent, 0 failed, 0 unknown, 8 skipped"
        assert not any("day(s)" in line or " 1 days ago" in line for line in story)

        await pilot.press("v")  # debug -> info
        await pilot.pause()
        assert pane.min_level == "info"
        shown = [str(line) for line in tail.lines]
        assert not any(" DEBUG " in line for line in shown)
        assert shown[1].endswith(
            "[birthday] plan: 15 planned, 7 skipped (3 not first degree, 3 not in window, 1 over run cap)"
        )
        assert shown[-1].endswith("finished (completed): 14 sent, 0 failed, 0 unknown, 8 skipped")
        assert len(shown) == len(story) - 22  # the 15 planned and 7 skipped lines are debug


async def test_a_page_that_cannot_be_read_shows_on_the_system_screen(
    settings: Settings, site: RunningSandbox
) -> None:
    async with console(settings, site, (80, 24)) as (app, pilot, service, finished):
        await idle(pilot)  # today's plan: read whole, so the selectors have their figures
        # The next two member pages answer 500: the feed a run opens first, then the birthday page.
        site.state.faults.http_500 = 2
        await service.start("birthday", dry_run=True)
        (run,) = finished
        assert run.stopped == "page_unreadable"
        copy = run.summary["unreadable"]["diagnostic"]
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(app.screen, SystemScreen))
        note = app.screen.query_one("#diagnostics-note", Static)
        await wait_until(pilot, lambda: f"Unreadable pages: 1 copy; latest {copy}" == str(note.content))
        guard = app.screen.query_one("#guard-status", Static).content
        assert isinstance(guard, Text)
        # The clock guard read the site's clock (the same one): within a second.
        assert guard.plain.splitlines() == [
            "Clock: within 1 s of LinkedIn's (tolerance 5 min)",
            "Stopped 26 Nov 10:00: birthday could not read the birthday page (HTTP 500); nothing was done",
        ]
        assert guard.spans[-1].style == "bold red"
        # At 80 columns the selector table keeps its figures whole: the candidate gives way.
        shown = screen_text(app)
        assert re.search(r"birthday\.card\.message_button +\d+ +0 +✓ 26 Nov 10:00 ", shown)
        assert "Selectors: 6 candidates" in shown
