"""SVG snapshots of every screen and state, at 80x24 (most SSH clients) and 120x40: frozen
clock, seeded data, no animation. The injected clock drives everything a screen shows.

Regenerate after a deliberate visual change with `pytest tests/console --snapshot-update`,
then look at the new .svg files before committing them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from linkpilot.common.clock import FrozenClock
from linkpilot.common.settings import load_settings
from linkpilot.console.screens.dialogs import ConfirmCampaignScreen, ConfirmScreen
from linkpilot.console.screens.log import LogScreen
from linkpilot.console.screens.login import LoginScreen
from linkpilot.console.screens.system import SystemScreen
from linkpilot.console.widgets.tail_log import LogPane, TailLog
from linkpilot.engine.events import (
    ActivityChanged,
    BreakerChanged,
    CampaignStarted,
    ClockChecked,
    Level,
    LogLine,
    Progress,
    QuotaChanged,
)
from linkpilot.engine.login.steps import NeedPin
from linkpilot.engine.notify.status import ChannelStatus, NotifyStatus
from tests.console.conftest import AppFactory
from tests.console.fakes import ACTIVITY, GAUGES, NOW, FakeFacade, breaker_open_event, idle_facts
from tests.console.helpers import idle, settle, wait_until
from tests.console.test_system_screen import seed_stats

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
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


@pytest.mark.parametrize("size", SIZES)
def test_idle_dashboard(size: tuple[int, int], snap_compare: Snap, make_app: AppFactory) -> None:
    async def ready(pilot: Pilot[None]) -> None:
        await idle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_campaign_running(
    size: tuple[int, int], snap_compare: Snap, make_app: AppFactory, facade: FakeFacade
) -> None:
    async def running(pilot: Pilot[None]) -> None:
        await idle(pilot)
        facade.bus.publish(CampaignStarted(campaign="birthday", run_id=7, dry_run=False, planned=3, at=NOW))
        facade.bus.publish(
            Progress(campaign="birthday", run_id=7, done=2, total=3, current="Bob Smith", at=NOW)
        )
        await wait_until(pilot, lambda: pilot.app.state.running is not None)  # type: ignore[attr-defined]

    assert snap_compare(make_app(), terminal_size=size, run_before=running)


@pytest.mark.parametrize("size", SIZES)
def test_breaker_open(
    size: tuple[int, int], snap_compare: Snap, make_app: AppFactory, facade: FakeFacade
) -> None:
    async def tripped(pilot: Pilot[None]) -> None:
        await idle(pilot)
        facade.bus.publish(breaker_open_event())
        await wait_until(pilot, lambda: pilot.app.state.breaker.is_open)  # type: ignore[attr-defined]

    assert snap_compare(make_app(), terminal_size=size, run_before=tripped)


@pytest.mark.parametrize("size", SIZES)
def test_confirmation_dialog(size: tuple[int, int], snap_compare: Snap, make_app: AppFactory) -> None:
    async def confirming(pilot: Pilot[None]) -> None:
        await idle(pilot)
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmCampaignScreen))

    assert snap_compare(make_app(), terminal_size=size, run_before=confirming)


@pytest.mark.parametrize("size", SIZES)
def test_breaker_reset_confirmation(
    size: tuple[int, int], snap_compare: Snap, make_app: AppFactory, facade: FakeFacade
) -> None:
    async def confirming(pilot: Pilot[None]) -> None:
        await idle(pilot)
        facade.bus.publish(breaker_open_event())
        await wait_until(pilot, lambda: pilot.app.state.breaker.is_open)  # type: ignore[attr-defined]
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))

    assert snap_compare(make_app(), terminal_size=size, run_before=confirming)


@pytest.mark.parametrize("size", SIZES)
def test_contacts_page_with_a_filter(size: tuple[int, int], snap_compare: Snap, make_app: AppFactory) -> None:
    async def filtered(pilot: Pilot[None]) -> None:
        await idle(pilot)
        await pilot.press("2")
        screen = await settle(pilot)
        screen.query_one("#filter-status", Select).value = "connected"
        screen = await settle(pilot)
        await wait_until(pilot, lambda: screen.detail_id is not None)
        await idle(pilot)

    assert snap_compare(make_app(page_size=20), terminal_size=size, run_before=filtered)


@pytest.mark.parametrize("size", SIZES)
def test_log_following(
    size: tuple[int, int], snap_compare: Snap, make_app: AppFactory, facade: FakeFacade
) -> None:
    async def following(pilot: Pilot[None]) -> None:
        await idle(pilot)
        await pilot.press("3")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LogScreen))
        log_lines(facade, 60)
        tail = pilot.app.screen.query_one(TailLog)
        await wait_until(pilot, lambda: tail.line_count == 60)

    assert snap_compare(make_app(), terminal_size=size, run_before=following)


@pytest.mark.parametrize("size", SIZES)
def test_log_paused(
    size: tuple[int, int], snap_compare: Snap, make_app: AppFactory, facade: FakeFacade
) -> None:
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

    assert snap_compare(make_app(), terminal_size=size, run_before=paused)


@pytest.mark.parametrize("size", SIZES)
def test_checkpoint_sign_in_screen(
    size: tuple[int, int], snap_compare: Snap, make_app: AppFactory, facade: FakeFacade
) -> None:
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

    assert snap_compare(make_app(), terminal_size=size, run_before=asking)


CHANNELS = (
    ChannelStatus("#1 ntfy://ntfy.sh/…", NOW - timedelta(minutes=5), True, "LinkPilot: test message"),
    ChannelStatus(
        "#2 mailtos://me:****@smtp.example.com/…",
        NOW - timedelta(minutes=1),
        False,
        "LinkPilot: the circuit breaker is open",
        "A Connection error occurred",
        pending=1,
    ),
)


@pytest.mark.parametrize("size", SIZES)
def test_system_screen(size: tuple[int, int], snap_compare: Snap, make_app: AppFactory, db_url: str) -> None:
    """Two selector keys (one failing now), the clock 12 s ahead of the site's, and two
    notification channels: one delivered, one failing with a message waiting."""
    asyncio.run(seed_stats(db_url))
    clock = ClockChecked(ours=NOW, site=NOW - timedelta(seconds=12), skew_s=12.0, ok=True, at=NOW)
    facade = FakeFacade([*idle_facts(), clock, NotifyStatus(channels=CHANNELS, at=NOW)])

    async def shown(pilot: Pilot[None]) -> None:
        await idle(pilot)
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SystemScreen))
        await idle(pilot)

    # A fixed home and zone: the settings panel shows them.
    settings = load_settings(home=Path("/srv/linkpilot"), timezone="Europe/Paris")
    assert snap_compare(make_app(facade=facade, settings=settings), terminal_size=size, run_before=shown)


@pytest.mark.parametrize("size", SIZES)
def test_clock_skew_on_the_dashboard(
    size: tuple[int, int], snap_compare: Snap, make_app: AppFactory, facade: FakeFacade
) -> None:
    """The clock guard stopped a run: this box is ten minutes behind the site."""

    async def skewed(pilot: Pilot[None]) -> None:
        await idle(pilot)
        facade.bus.publish(
            ClockChecked(ours=NOW, site=NOW + timedelta(minutes=10), skew_s=-600.0, ok=False, at=NOW)
        )
        await wait_until(pilot, lambda: not pilot.app.state.clock_ok)  # type: ignore[attr-defined]
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=skewed)


# 23:58 in Paris on Thursday 26 November 2026: the same app is then carried past midnight,
# through a run, and into the next week, each picture at its moment.
LATE = datetime(2026, 11, 26, 22, 58, tzinfo=UTC)
MOMENTS = ["before-midnight", "after-midnight", "after-a-run", "next-week"]


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("size", SIZES)
def test_dashboard_over_time(
    size: tuple[int, int], moment: str, snap_compare: Snap, make_app: AppFactory
) -> None:
    clock = FrozenClock(LATE)
    facade = FakeFacade(idle_facts(LATE), clock)
    fresh = {gauge: {**values, "day_used": 0} for gauge, values in GAUGES.items()}

    async def carried(pilot: Pilot[None]) -> None:
        await idle(pilot)
        if moment == "before-midnight":
            return
        clock.advance(minutes=3)  # 00:01: what the service reads at its tick, then the tick
        facade.tick(
            QuotaChanged(gauges=fresh, at=clock()), ActivityChanged(per_day=(*ACTIVITY[1:], 0), at=clock())
        )
        await wait_until(pilot, lambda: facade.calls.count(("plan", "birthday")) == 2)  # today's plan again
        await idle(pilot)
        if moment == "after-midnight":
            return
        clock.advance(hours=9)  # 09:01: a run that sends one message, then the tick after it
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmCampaignScreen))
        pilot.app.screen.query_one("#yes").focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: pilot.app.state.running is not None)  # type: ignore[attr-defined]
        facade.bus.publish(ActivityChanged(per_day=(*ACTIVITY[1:], 1), at=clock()))
        facade.release.set()
        await wait_until(pilot, lambda: pilot.app.state.running is None)  # type: ignore[attr-defined]
        facade.tick()
        await idle(pilot)
        # The run's toasts ("starting", "finished") expire on the wall clock, which a picture
        # must not depend on: test_flow asserts them, the dashboard is what is pictured here.
        pilot.app.clear_notifications()
        await pilot.pause()
        if moment == "after-a-run":
            return
        clock.advance(days=7)  # Friday 4 December: the week's units gone with the rolling week
        week = {gauge: {**values, "day_used": 0, "week_used": 0} for gauge, values in GAUGES.items()}
        facade.tick(
            QuotaChanged(gauges=week, at=clock()),
            ActivityChanged(per_day=(*ACTIVITY[8:], 1, *[0] * 7), at=clock()),
        )
        await idle(pilot)

    assert snap_compare(make_app(facade=facade, clock=clock), terminal_size=size, run_before=carried)
