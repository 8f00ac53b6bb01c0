"""The campaign log: bounded, follows the tail, pauses while the operator reads, filters."""

from __future__ import annotations

from datetime import timedelta

from textual.pilot import Pilot

from linkpilot.console.screens.log import LogScreen
from linkpilot.console.widgets.tail_log import LogPane, TailLog
from linkpilot.engine.events import Level, LogLine
from tests.console.conftest import AppFactory
from tests.console.fakes import NOW, FakeFacade
from tests.console.helpers import idle, screen_text, wait_until

SIZE = (120, 40)
CYCLE: tuple[Level, ...] = ("debug", "info", "info", "warning", "error")


def publish(facade: FakeFacade, count: int, start: int = 0, campaign: str | None = "birthday") -> None:
    for n in range(start, start + count):
        facade.bus.publish(
            LogLine(
                level=CYCLE[n % len(CYCLE)],
                message=f"step {n}",
                campaign=campaign,
                at=NOW + timedelta(seconds=n),
            )
        )


async def open_log(pilot: Pilot[None], app: object) -> LogPane:
    await pilot.press("3")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, LogScreen))
    return pilot.app.screen.query_one(LogPane)


async def test_lines_logged_before_the_screen_opened_are_shown(
    make_app: AppFactory, facade: FakeFacade
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        publish(facade, 10)
        await pilot.pause()
        pane = await open_log(pilot, app)
        tail = pane.query_one(TailLog)
        assert tail.line_count == 10
        assert tail.lines[0] == "10:30:00 DEBUG   [birthday] step 0"
        assert "following · level ≥ debug · all campaigns" in screen_text(app)


async def test_memory_is_bounded(make_app: AppFactory, facade: FakeFacade) -> None:
    app = make_app(log_capacity=100)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_log(pilot, app)
        publish(facade, 350)
        tail = pane.query_one(TailLog)
        await wait_until(pilot, lambda: tail.line_count > 0 and "step 349" in tail.lines[-1])
        assert pane.query_one(TailLog).line_count == 100
        assert len(app.log_book) == 100
        assert next(iter(app.log_book)).message == "step 250"


async def test_follow_pauses_when_scrolled_up_and_counts_waiting_lines(
    make_app: AppFactory, facade: FakeFacade
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_log(pilot, app)
        tail = pane.query_one(TailLog)
        publish(facade, 80)
        await wait_until(pilot, lambda: tail.line_count == 80)
        assert tail.scroll_y == tail.max_scroll_y > 0
        tail.focus()
        await pilot.press("pageup")
        await pilot.pause()
        assert not pane.following
        reading_at = tail.scroll_y

        publish(facade, 5, start=80)
        await wait_until(pilot, lambda: tail.line_count == 85)
        assert tail.scroll_y == reading_at  # nothing moved under the reader
        assert "paused, 5 new lines below (End to follow)" in screen_text(app)

        await pilot.press("end")
        await pilot.pause()
        assert pane.following
        assert pane.waiting == 0
        publish(facade, 3, start=85)
        await wait_until(pilot, lambda: tail.line_count == 88)
        await pilot.pause()
        assert tail.scroll_y == tail.max_scroll_y
        assert "following" in screen_text(app)


async def test_level_and_campaign_filters(make_app: AppFactory, facade: FakeFacade) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_log(pilot, app)
        tail = pane.query_one(TailLog)
        publish(facade, 10)
        publish(facade, 5, start=10, campaign="sourcing")
        await wait_until(pilot, lambda: tail.line_count == 15)

        await pilot.press("v", "v")  # debug -> info -> warning
        assert pane.min_level == "warning"
        assert all(("WARNING" in line or "ERROR" in line) for line in tail.lines)
        assert tail.line_count == 6  # n % 5 in (3, 4) over 15 lines
        assert "level ≥ warning" in screen_text(app)

        await pilot.press("n", "n")  # all -> birthday -> sourcing
        assert pane.campaign == "sourcing"
        assert tail.line_count == 2
        assert all("[sourcing]" in line for line in tail.lines)
