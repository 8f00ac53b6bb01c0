"""Sourcing and invitations on real Chromium and the practice site, one step at a time.

The end-to-end tests run whole campaigns through `linkpilot run`; these call `plan` and `act`
directly to reach the outcomes a healthy run never meets: wrong people, missing pages,
server errors, a spent search budget, an invitation gone since the plan was made.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from linkpilot.common.settings import load_settings
from linkpilot.engine.actions import ActionManager, Timeouts
from linkpilot.engine.browser import BrowserSession
from linkpilot.engine.campaigns.invitations import InvitationsCampaign
from linkpilot.engine.campaigns.runner import CampaignContext
from linkpilot.engine.campaigns.sourcing import SourcingCampaign
from linkpilot.engine.campaigns.summary import PlanItem, RunSummary
from linkpilot.engine.events import LogLine
from linkpilot.engine.pacing import FastPacing, Pacing, Pause
from linkpilot.engine.page_state import PageUnreadable
from linkpilot.engine.quota.contract import Action
from linkpilot.engine.runtime import Runtime, open_runtime
from linkpilot.engine.selectors import SelectorEngine, SelectorScores
from linkpilot.sandbox import RunningSandbox
from linkpilot.storage.models import Interaction
from tests.practice_site import ALWAYS_OPEN, ZONE

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.slow]

TIMEOUTS = Timeouts(navigation_ms=15_000, element_ms=3_000, confirm_ms=1_500, scroll_ms=600, settle_ms=2_000)


@pytest_asyncio.fixture(loop_scope="session")
async def rt(tmp_path: Path, sandbox: RunningSandbox) -> AsyncIterator[Runtime]:
    settings = load_settings(
        {},
        home=tmp_path / "home",
        linkedin_url=sandbox.url,
        pacing="fast",
        sourcing={"keywords": "Sales"},
        limits={"searches_per_month": 1},
        timezone=ZONE,
        working_hours=ALWAYS_OPEN,
    )
    async with open_runtime(settings, clock=sandbox.state.config.clock) as runtime:
        yield runtime


def context(
    rt: Runtime,
    browser: BrowserSession,
    page: Any,
    campaign: str,
    *,
    dry_run: bool,
    pacing: Pacing | None = None,
) -> CampaignContext:
    actions = ActionManager(
        page, SelectorEngine(SelectorScores()), rt.settings.linkedin_url, timeouts=TIMEOUTS
    )
    return CampaignContext(rt, browser, actions, pacing or FastPacing(), RunSummary(campaign, dry_run))


class SiteFailsAfterFirstPause(FastPacing):
    """While the campaign pauses between two search pages, the practice site starts failing:
    its next page answers 500."""

    def __init__(self, sandbox: RunningSandbox) -> None:
        self.sandbox = sandbox

    async def pause(self, kind: Pause) -> float:
        if kind is Pause.VISIT:
            self.sandbox.state.faults.http_500 = 1
        return 0.0


async def stored(rt: Runtime) -> list[tuple[str, str, str | None]]:
    async with rt.db.session() as session:
        rows = (await session.execute(select(Interaction).order_by(Interaction.id))).scalars().all()
        return [(r.kind, r.state, r.error) for r in rows]


async def test_visits_that_fail_are_failed_and_only_unreadable_pages_are_trouble(
    rt: Runtime, browser: BrowserSession, sandbox: RunningSandbox
) -> None:
    ctx = context(rt, browser, await browser.page(), "sourcing", dry_run=False)
    campaign = SourcingCampaign(rt)
    person = next(p for p in sandbox.state.world.people if p.degree == 2)

    renamed = await campaign.act(ctx, PlanItem(person.slug, "Someone Else", "visit", "r"))
    assert (renamed.result, renamed.spent, renamed.trouble) == ("failed", True, False)
    assert renamed.detail.startswith("wrong_person")

    missing = await campaign.act(ctx, PlanItem("no-such-person-1", "Nobody", "visit", "r"))
    assert (missing.result, missing.spent, missing.trouble) == ("failed", True, True)

    sandbox.state.faults.http_500 = 1
    broken = await campaign.act(ctx, PlanItem(person.slug, person.full_name, "visit", "r"))
    assert (broken.result, broken.trouble) == ("failed", True)
    assert "HTTP 500" in broken.detail

    visited = await campaign.act(ctx, PlanItem(person.slug, person.full_name, "visit", "r"))
    assert visited.result == "sent"
    assert visited.detail.startswith("fit ")
    assert [(kind, state) for kind, state, _ in await stored(rt)] == [
        ("visit", "failed"),
        ("visit", "failed"),
        ("visit", "failed"),
        ("visit", "sent"),
    ]
    # The site served the profile twice: to the renamed visit and the last one (not the 404 or the 500).
    assert sandbox.state.record.visits == [person.slug, person.slug]


async def test_real_plan_stops_paging_when_the_search_budget_is_spent(
    rt: Runtime, browser: BrowserSession, sandbox: RunningSandbox
) -> None:
    ctx = context(rt, browser, await browser.page(), "sourcing", dry_run=False)
    items, skips = await SourcingCampaign(rt).plan(ctx)
    # One search a month: page 1 is read and paid for, page 2 is not searched.
    assert [s["page"] for s in sandbox.state.record.searches] == [1]
    assert len(items) == 10
    assert skips == []
    assert ctx.summary.stop_detail is not None
    assert "monthly limit" in ctx.summary.stop_detail
    snapshot = await rt.ledger.snapshot()
    assert snapshot.get(Action.SEARCH).month_used == 1


async def test_a_first_search_page_that_fails_is_unreadable_not_nothing_to_do(
    rt: Runtime, browser: BrowserSession, sandbox: RunningSandbox
) -> None:
    ctx = context(rt, browser, await browser.page(), "sourcing", dry_run=True)
    sandbox.state.faults.http_500 = 1
    with pytest.raises(PageUnreadable) as caught:
        await SourcingCampaign(rt).plan(ctx)
    assert caught.value.failure == "HTTP 500"
    assert caught.value.page == "search results (page 1)"
    assert caught.value.diagnostic is not None
    assert caught.value.diagnostic.startswith(str(rt.settings.home / "diagnostics"))
    # A dry run searches for free.
    assert (await rt.ledger.snapshot()).get(Action.SEARCH).month_used == 0


async def test_a_later_search_page_that_fails_ends_the_plan_and_counts_against_the_breaker(
    rt: Runtime, browser: BrowserSession, sandbox: RunningSandbox
) -> None:
    ctx = context(
        rt, browser, await browser.page(), "sourcing", dry_run=True, pacing=SiteFailsAfterFirstPause(sandbox)
    )
    told: list[str] = []
    rt.bus.subscribe(lambda event: told.append(event.message) if isinstance(event, LogLine) else None)
    planned, _skipped = await SourcingCampaign(rt).plan(ctx)
    # The people of page 1 are still planned; page 2 was asked for and failed.
    assert planned
    assert sandbox.state.faults.http_500 == 0
    assert "search page 2 failed: HTTP 500" in told
    breaker = await rt.breaker.state()
    assert breaker.failures == 1
    assert "search page 2" in (breaker.reason or "")


async def test_withdrawals_that_cannot_happen_spend_nothing(
    rt: Runtime, browser: BrowserSession, sandbox: RunningSandbox
) -> None:
    ctx = context(rt, browser, await browser.page(), "invitations", dry_run=False)
    campaign = InvitationsCampaign(rt)
    items, _ = await campaign.plan(ctx)
    oldest = items[0]

    gone = await campaign.act(ctx, PlanItem("no-such-person-1", "Nobody", "withdraw", "r"))
    assert (gone.result, gone.spent, gone.skip_reason) == ("skipped", False, "no_longer_listed")

    wrong = await campaign.act(ctx, PlanItem(oldest.slug, "Someone Else", "withdraw", "r"))
    assert (wrong.result, wrong.spent, wrong.trouble) == ("failed", False, False)
    assert sandbox.state.record.withdrawals == []

    done = await campaign.act(ctx, oldest)
    assert (done.result, done.spent) == ("sent", True)
    assert sandbox.state.record.withdrawals == [oldest.slug]
    assert [(kind, state) for kind, state, _ in await stored(rt)] == [
        ("withdrawal", "failed"),
        ("withdrawal", "sent"),
    ]


async def test_an_invitations_page_that_fails_is_unreadable_not_nothing_to_do(
    rt: Runtime, browser: BrowserSession, sandbox: RunningSandbox
) -> None:
    ctx = context(rt, browser, await browser.page(), "invitations", dry_run=True)
    sandbox.state.faults.http_500 = 1
    with pytest.raises(PageUnreadable) as caught:
        await InvitationsCampaign(rt).plan(ctx)
    assert caught.value.failure == "HTTP 500"
    assert "could not be read (HTTP 500): nothing was done" in caught.value.message
