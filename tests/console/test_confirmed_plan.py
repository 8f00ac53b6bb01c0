"""The plan the operator confirms is the plan that runs: read from the site once, checked again
in storage each time it is used, read again only when it is no longer fresh.

Reading today's birthday list takes Chromium and, at a person's pace, tens of seconds. The
dashboard reads it when the console opens; `b` shows that same reading again (checked again in
storage) without asking the site anything, and the run acts on exactly the people the dialog
listed. The real engine service, headless Chromium and the practice site, on one frozen clock.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import Switch

from linkpilot.common.clock import FrozenClock
from linkpilot.common.settings import Settings
from linkpilot.console.screens.dialogs import ConfirmCampaignScreen
from linkpilot.engine.campaigns.confirmed import PLAN_FRESH_FOR
from linkpilot.engine.campaigns.summary import RunSummary, Skip
from linkpilot.engine.runtime import open_runtime
from linkpilot.engine.service import EngineService
from linkpilot.sandbox import RunningSandbox
from linkpilot.storage.blacklist import add_entry
from tests.console.helpers import idle, screen_text, wait_until
from tests.console.real_engine import RUN_S, console, signed_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]

SIZE = (120, 40)


@pytest.fixture
def settings(tmp_path: Path, site: RunningSandbox) -> Settings:
    return signed_in(tmp_path, site)


def frozen(site: RunningSandbox) -> FrozenClock:
    clock = site.state.config.clock
    assert isinstance(clock, FrozenClock)
    return clock


async def test_b_shows_todays_plan_checked_again_and_the_run_acts_on_it(
    settings: Settings, site: RunningSandbox
) -> None:
    async with console(settings, site, SIZE) as (app, pilot, service, finished):
        await wait_until(pilot, lambda: "Today's birthdays: 15 to wish" in screen_text(app), RUN_S)
        read = app.birthday_plan.plan
        assert isinstance(read, RunSummary)
        over_cap = [s.slug for s in read.skipped if s.reason == "over_run_cap"]
        assert len(over_cap) == 1
        # Put on the blacklist after the dashboard read the site (the contacts screen's `l`).
        chosen = read.planned[0]
        async with service.rt.db.transaction() as session:
            await add_entry(session, chosen.name)
        # Any page asked of the site now would answer 500 and spoil the plan.
        site.state.faults.http_500 = 1
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmCampaignScreen), RUN_S)
        dialog = app.screen
        assert isinstance(dialog, ConfirmCampaignScreen)
        # Nothing was asked of the site: the dashboard's reading, checked again in storage.
        assert site.state.faults.http_500 == 1
        assert isinstance(dialog.plan, RunSummary)
        assert dialog.plan.run_id == read.run_id
        text = screen_text(app)
        assert "Run the birthday campaign: 14 people?" in text
        assert f"{chosen.name} — {chosen.reason}" not in text
        assert Skip(chosen.slug, chosen.name, "blacklisted") in dialog.plan.skipped
        site.state.faults.http_500 = 0

        # A dry run tells the plan it runs without sending (test_run_story sends on one).
        dialog.query_one("#dry-run", Switch).value = True
        dialog.query_one("#yes").focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(finished), RUN_S)
        (run,) = finished
        assert run.stopped == "completed"
        said = [line.message for line in app.log_book if line.campaign == "birthday"]
        assert said[0] == "the plan as confirmed, read from the site at 10:00, checked again now"
        assert said[1].startswith("plan: 14 planned")
        # Exactly the people the dialog listed: not the blacklisted one, and not the one a new
        # reading would have moved up from over the cap.
        ran = [item["slug"] for item in run.summary["plan"]]
        assert ran == [item.slug for item in dialog.plan.planned]
        assert chosen.slug not in ran
        assert over_cap[0] not in ran
        assert site.state.record.messages == []


async def test_a_plan_read_too_long_ago_is_read_again(settings: Settings, site: RunningSandbox) -> None:
    clock = frozen(site)
    async with console(settings, site, SIZE) as (app, pilot, _, finished):
        await wait_until(pilot, lambda: "Today's birthdays: 15 to wish" in screen_text(app), RUN_S)
        read = app.birthday_plan.plan
        assert isinstance(read, RunSummary)
        clock.advance(seconds=PLAN_FRESH_FOR.total_seconds() + 60)
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmCampaignScreen), RUN_S)
        dialog = app.screen
        assert isinstance(dialog, ConfirmCampaignScreen)
        assert isinstance(dialog.plan, RunSummary)
        # A new reading of the site: a dry run of its own.
        assert dialog.plan.run_id != read.run_id
        assert "Run the birthday campaign: 15 people?" in screen_text(app)

        # The dialog stayed open too long: the run reads the site again rather than trust it.
        clock.advance(seconds=PLAN_FRESH_FOR.total_seconds() + 60)
        dialog.query_one("#dry-run", Switch).value = True
        dialog.query_one("#yes").focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(finished), RUN_S)
        said = [line.message for line in app.log_book if line.campaign == "birthday"]
        assert said[0].startswith("plan: 15 planned")
        assert not any(line.startswith("the plan as confirmed") for line in said)
        await idle(pilot)


async def test_plans_asked_for_while_one_is_read_share_that_reading(
    settings: Settings, site: RunningSandbox
) -> None:
    async with open_runtime(settings, clock=frozen(site)) as rt:
        service = EngineService(rt, scheduled=False)
        try:
            first, second = await asyncio.wait_for(
                asyncio.gather(service.plan("birthday"), service.plan("birthday")), RUN_S
            )
            # One reading (one Chromium, one dry run recorded), given to both.
            assert first.run_id is not None
            assert first.run_id == second.run_id
            assert len(first.planned) == 15
            # Asked to read again, it does.
            again = await asyncio.wait_for(service.plan("birthday", reread=True), RUN_S)
            assert again.run_id not in (None, first.run_id)
        finally:
            await service.close()
