"""SVG snapshots of every screen and state: fixed size, frozen clock, seeded data, no animation.

Regenerate after a deliberate visual change with `pytest tests/console --snapshot-update`,
then look at the new .svg files before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from textual.pilot import Pilot
from textual.widgets import Input, Select

from linkpilot.console.screens.dialogs import ConfirmCampaignScreen, ConfirmScreen
from linkpilot.console.screens.log import LogScreen
from linkpilot.console.screens.login import LoginScreen
from linkpilot.console.widgets.tail_log import LogPane, TailLog
from linkpilot.engine.events import BreakerChanged, CampaignStarted, Level, LogLine, Progress
from linkpilot.engine.login.steps import NeedPin
from tests.console.conftest import AppFactory
from tests.console.fakes import NOW, FakeFacade, breaker_open_event
from tests.console.helpers import idle, settle, wait_until

SIZE = (120, 40)
Snap = Callable[..., bool]
LEVELS: tuple[Level, ...] = ("info", "info", "debug", "warning", "info", "error")


def log_lines(facade: FakeFacade, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        facade.bus.publish(
            LogLine(
                level=LEVELS[n % len(LEVELS)],
                message=f"step {n}: visited profile person-{n:04d}",
                campaign="sourcing" if n % 3 else "birthday",
                at=NOW + timedelta(seconds=n),
            )
        )


def test_idle_dashboard(snap_compare: Snap, make_app: AppFactory) -> None:
    async def ready(pilot: Pilot[None]) -> None:
        await idle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


def test_campaign_running(snap_compare: Snap, make_app: AppFactory, facade: FakeFacade) -> None:
    async def running(pilot: Pilot[None]) -> None:
        await idle(pilot)
        facade.bus.publish(CampaignStarted(campaign="birthday", run_id=7, dry_run=False, planned=3, at=NOW))
        facade.bus.publish(
            Progress(campaign="birthday", run_id=7, done=2, total=3, current="Bob Smith", at=NOW)
        )
        await wait_until(pilot, lambda: pilot.app.state.running is not None)  # type: ignore[attr-defined]

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=running)


def test_breaker_open(snap_compare: Snap, make_app: AppFactory, facade: FakeFacade) -> None:
    async def tripped(pilot: Pilot[None]) -> None:
        await idle(pilot)
        facade.bus.publish(breaker_open_event())
        await wait_until(pilot, lambda: pilot.app.state.breaker.is_open)  # type: ignore[attr-defined]

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=tripped)


def test_confirmation_dialog(snap_compare: Snap, make_app: AppFactory) -> None:
    async def confirming(pilot: Pilot[None]) -> None:
        await idle(pilot)
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmCampaignScreen))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=confirming)


def test_breaker_reset_confirmation(snap_compare: Snap, make_app: AppFactory, facade: FakeFacade) -> None:
    async def confirming(pilot: Pilot[None]) -> None:
        await idle(pilot)
        facade.bus.publish(breaker_open_event())
        await wait_until(pilot, lambda: pilot.app.state.breaker.is_open)  # type: ignore[attr-defined]
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=confirming)


def test_contacts_page_with_a_filter(snap_compare: Snap, make_app: AppFactory) -> None:
    async def filtered(pilot: Pilot[None]) -> None:
        await idle(pilot)
        await pilot.press("2")
        screen = await settle(pilot)
        screen.query_one("#filter-status", Select).value = "connected"
        screen = await settle(pilot)
        await wait_until(pilot, lambda: screen.detail_id is not None)
        await idle(pilot)

    assert snap_compare(make_app(page_size=20), terminal_size=SIZE, run_before=filtered)


def test_log_following(snap_compare: Snap, make_app: AppFactory, facade: FakeFacade) -> None:
    async def following(pilot: Pilot[None]) -> None:
        await idle(pilot)
        await pilot.press("3")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LogScreen))
        log_lines(facade, 60)
        tail = pilot.app.screen.query_one(TailLog)
        await wait_until(pilot, lambda: tail.line_count == 60)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=following)


def test_log_paused(snap_compare: Snap, make_app: AppFactory, facade: FakeFacade) -> None:
    async def paused(pilot: Pilot[None]) -> None:
        await idle(pilot)
        await pilot.press("3")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LogScreen))
        log_lines(facade, 60)
        pane = pilot.app.screen.query_one(LogPane)
        tail = pane.query_one(TailLog)
        await wait_until(pilot, lambda: tail.line_count == 60)
        tail.focus()
        await pilot.press("pageup")
        log_lines(facade, 7, start=60)
        await wait_until(pilot, lambda: pane.waiting == 7)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=paused)


def test_checkpoint_sign_in_screen(snap_compare: Snap, make_app: AppFactory, facade: FakeFacade) -> None:
    """Opened by itself on a checkpoint; the stored session resumed; LinkedIn asks for a PIN."""

    async def asking(pilot: Pilot[None]) -> None:
        await idle(pilot)
        facade.bus.publish(
            BreakerChanged(
                state="open", reason="checkpoint", hard=True, since=NOW - timedelta(minutes=3), at=NOW
            )
        )
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LoginScreen))
        await pilot.click("#resume")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen.step, NeedPin))  # type: ignore[attr-defined]
        await idle(pilot)
        pilot.app.screen.query_one("#pin", Input).cursor_blink = False

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=asking)
