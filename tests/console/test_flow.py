"""The message flow between the engine's edge and the console: events in, facade calls out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Button, Switch

from linkpilot.common.errors import LinkPilotError
from linkpilot.console.app import ConsoleApp, PlanLoaded
from linkpilot.console.screens.dialogs import ConfirmCampaignScreen, ConfirmScreen, HelpScreen
from linkpilot.engine.events import BreakerChanged, CampaignStarted, Progress, QuotaChanged, SessionChanged
from tests.console.conftest import AppFactory
from tests.console.fakes import GAUGES, NOW, FakeFacade, breaker_open_event, idle_facts
from tests.console.helpers import Messages, idle, screen_text, wait_until

SIZE = (120, 40)


def enabled(app: ConsoleApp, key: str) -> bool | None:
    """What the footer shows for `key`: True enabled, False dimmed, None absent."""
    active = app.screen.active_bindings.get(key)
    return None if active is None else active.enabled


async def test_engine_events_reach_the_dashboard(make_app: AppFactory, facade: FakeFacade) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        assert "Breaker CLOSED" in screen_text(app)
        assert "3/15" in screen_text(app)

        facade.bus.publish(breaker_open_event())
        facade.bus.publish(SessionChanged(status="expired", expires_at=NOW - timedelta(days=1), at=NOW))
        facade.bus.publish(
            QuotaChanged(gauges={**GAUGES, "message": {**GAUGES["message"], "day_used": 9}}, at=NOW)
        )
        facade.bus.publish(CampaignStarted(campaign="sourcing", run_id=3, dry_run=True, planned=40, at=NOW))
        facade.bus.publish(
            Progress(campaign="sourcing", run_id=3, done=12, total=40, current="Léa Petit", at=NOW)
        )
        await pilot.pause()

        text = screen_text(app)
        assert "Breaker OPEN" in text
        assert "reason: checkpoint page after send" in text
        # Since when, in the configured zone (Paris, UTC+1) and relative to the injected clock.
        assert "since 26 Nov 09:48 (42 min ago)" in text
        assert "Session expired" in text
        assert "9/15" in text
        assert "sourcing (dry run) 12/40" in text
        assert "now: Léa Petit" in text


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_every_quota_figure_is_whole_at_both_sizes(
    make_app: AppFactory, facade: FakeFacade, size: tuple[int, int]
) -> None:
    """The gauges as the ledger publishes them, searches included: every figure whole, the
    monthly search budget as this month's (never `0/—` under today or the week)."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await idle(pilot)
        quota = app.screen.query_one("#quota")
        lines = screen_text(app).splitlines()[quota.region.y : quota.region.bottom]
        panel = [line[quota.region.x : quota.region.right] for line in lines]
        text = "\n".join(panel)
        assert "…" not in text
        assert "—" not in text
        visits = "visits" if size[0] < 100 else "profile visits"
        for label, day, week in (
            ("messages", "3/15", "41/100"),
            (visits, "12/80", "150/400"),
            ("withdrawals", "0/30", "20/100"),
        ):
            row = next(line for line in panel if f"│ {label} " in line)
            assert f" {day} " in row
            assert f" {week} " in row
        search = next(line for line in panel if "│ searches " in line)
        assert search.rstrip(" │").endswith(" 0/300 this month")


async def test_campaign_key_opens_the_plan_with_no_focused(make_app: AppFactory, facade: FakeFacade) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        facade.calls.clear()
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmCampaignScreen))
        assert facade.calls == [("plan", "birthday")]
        assert isinstance(app.focused, Button)
        assert app.focused.id == "no"
        text = screen_text(app)
        assert "Run the birthday campaign: 3 people?" in text
        assert "Joyeux anniversaire Jean, avec un peu de retard !" in text
        assert "Zoé Amadou — already_wished" in text

        await pilot.press("enter")  # on "No"
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmCampaignScreen))
        await idle(pilot)
        assert [c for c in facade.calls if c[0] == "start"] == []
        assert enabled(app, "b") is True


async def test_confirmed_dry_run_starts_and_keys_wait_for_the_end(
    make_app: AppFactory, facade: FakeFacade
) -> None:
    app = make_app()
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await idle(pilot)
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmCampaignScreen))
        app.screen.query_one("#dry-run", Switch).value = True
        app.screen.query_one("#yes", Button).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.state.running is not None)

        assert ("start", ("birthday", True)) in facade.calls
        # The run is given the very plan the dialog showed, to act on it rather than make another.
        assert len(facade.confirmed) == 1
        assert facade.confirmed[0] is facade.plans["birthday"]
        assert "birthday (dry run) 1/3" in screen_text(app)
        assert "4/15" in screen_text(app)
        # Busy: every campaign key is dimmed, pressing one asks nothing of the engine.
        assert enabled(app, "b") is False
        assert enabled(app, "s") is False
        assert "Campaign keys off: a campaign is running" in screen_text(app)
        plans_before = len([c for c in facade.calls if c[0] == "plan"])
        await pilot.press("s")
        await pilot.pause()
        assert len([c for c in facade.calls if c[0] == "plan"]) == plans_before
        assert not isinstance(app.screen, ConfirmCampaignScreen)

        facade.release.set()
        await wait_until(pilot, lambda: app.state.running is None and app.busy is None)
        await idle(pilot)
        assert enabled(app, "b") is True
        assert messages.noticed("birthday: 1 sent")


async def test_pause_resume_and_confirmed_stop(make_app: AppFactory, facade: FakeFacade) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        facade.bus.publish(CampaignStarted(campaign="birthday", run_id=1, dry_run=False, planned=3, at=NOW))
        await pilot.pause()
        assert app.screen.active_bindings["p"].binding.action == "pause"
        await pilot.press("p")
        assert ("pause", None) in facade.calls
        assert app.state.running is not None
        assert app.state.running.paused
        assert app.screen.active_bindings["p"].binding.action == "resume"
        assert "birthday (live) 0/3  (paused)" in screen_text(app)
        await pilot.press("p")
        assert ("resume", None) in facade.calls

        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert isinstance(app.focused, Button)
        assert app.focused.id == "no"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert ("stop", None) not in facade.calls
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("shift+tab", "enter")  # to "Stop"
        await wait_until(pilot, lambda: ("stop", None) in facade.calls)


async def test_breaker_open_disables_campaigns_until_a_confirmed_reset(
    make_app: AppFactory, facade: FakeFacade
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        assert enabled(app, "R") is None  # nothing to reset: not even shown
        facade.bus.publish(breaker_open_event())
        await pilot.pause()
        for key in ("b", "s", "i"):
            assert enabled(app, key) is False
        assert enabled(app, "R") is True
        assert "Campaign keys off: the breaker is open" in screen_text(app)

        facade.calls.clear()
        await pilot.press("b", "s", "i")
        await pilot.pause()
        assert facade.calls == []

        await pilot.press("r")  # today's plan, read from the site again: no reset
        await wait_until(pilot, lambda: facade.calls == [("reread", "birthday")])
        assert app.state.breaker.is_open
        facade.calls.clear()
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert isinstance(app.focused, Button)
        assert app.focused.id == "no"
        assert "checkpoint page after send" in screen_text(app)
        await pilot.press("shift+tab", "enter")
        await wait_until(pilot, lambda: app.state.breaker.state == "closed")
        # Then today's plan is made again: the one made while the breaker was open said why not.
        await wait_until(pilot, lambda: len(facade.calls) == 2)
        assert facade.calls == [("reset_breaker", None), ("plan", "birthday")]
        assert enabled(app, "b") is True


async def test_spent_quota_and_closed_hours_disable_their_campaigns(
    make_app: AppFactory, facade: FakeFacade
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        spent = {**GAUGES, "message": {**GAUGES["message"], "day_used": 15}}
        facade.bus.publish(QuotaChanged(gauges=spent, at=NOW))
        await pilot.pause()
        assert enabled(app, "b") is False
        assert enabled(app, "s") is True
        assert "birthday (the message quota is spent)" in screen_text(app)


async def test_engine_errors_become_notifications_not_crashes(
    make_app: AppFactory, facade: FakeFacade
) -> None:
    app = make_app()
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await idle(pilot)
        facade.plan_error = LinkPilotError("no valid session: import one with linkpilot session import")
        await pilot.press("b")
        await wait_until(pilot, lambda: messages.noticed("no valid session"))
        assert app.is_running
        assert app.busy is None
        assert any(line.level == "error" and "no valid session" in line.message for line in app.log_book)

        facade.plan_error = None
        facade.start_error = RuntimeError("browser crashed")
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmCampaignScreen))
        app.screen.query_one("#yes", Button).press()
        await wait_until(pilot, lambda: messages.noticed("browser crashed"))
        assert app.is_running
        assert app.busy is None
        assert enabled(app, "b") is True


async def test_help_and_remapped_keys(make_app: AppFactory, facade: FakeFacade) -> None:
    app = make_app(keymap={"campaign.birthday": "B", "app.help": "f2"})
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        facade.calls.clear()
        await pilot.press("b")
        await pilot.pause()
        assert facade.calls == []
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_text = screen_text(app)
        assert "B  Birthday" in help_text
        assert "Reset breaker" not in help_text  # nothing to reset, not offered
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen))
        await pilot.press("B")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmCampaignScreen))
        assert facade.calls == [("plan", "birthday")]


async def test_command_palette_follows_the_state(make_app: AppFactory, facade: FakeFacade) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Run the birthday campaign" in titles
        assert "Reset the breaker" not in titles

        facade.bus.publish(BreakerChanged(state="open", reason="3 failures in a row", hard=False, at=NOW))
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Run the birthday campaign" not in titles
        assert "Reset the breaker" in titles


async def test_a_signal_stops_the_campaign_and_leaves(make_app: AppFactory, facade: FakeFacade) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        facade.bus.publish(CampaignStarted(campaign="birthday", run_id=1, dry_run=False, planned=3, at=NOW))
        await wait_until(pilot, lambda: app.state.running is not None)
        app.shut_down("SIGTERM")
        await wait_until(pilot, lambda: not app.is_running)
    assert ("stop", None) in facade.calls


async def test_outside_working_hours_the_campaign_keys_are_off(make_app: AppFactory) -> None:
    facade = FakeFacade(idle_facts(working_hours=False))
    app = make_app(facade=facade)
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        assert [enabled(app, key) for key in ("b", "s", "i")] == [False, False, False]
        text = screen_text(app)
        assert "Campaign keys off: outside working hours" in text
        assert "outside working hours" in text.split("Session", 1)[1]


async def test_today_s_plan_reloads_on_its_key_and_by_the_keymap(
    make_app: AppFactory, facade: FakeFacade
) -> None:
    app = make_app(keymap={"dashboard.reload_plan": "ctrl+l"})
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await idle(pilot)
        assert facade.calls.count(("plan", "birthday")) == 1  # at start
        loaded = len(messages.of(PlanLoaded))
        await pilot.press("r")  # moved by the keymap: does nothing now
        await idle(pilot)
        assert facade.calls == [("plan", "birthday")]
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: len(messages.of(PlanLoaded)) == loaded + 1)
        # Asked for by the operator: read from the site anew, never a kept plan given again.
        assert facade.calls == [("plan", "birthday"), ("reread", "birthday")]
        assert app.birthday_plan.plan is not None
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "Reload today's plan" in screen_text(app)
