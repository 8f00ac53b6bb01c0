"""The three campaigns end to end on the practice site's mutated markup: same outcomes as classic.

Each case is one world (seed 7, in English or French) in one layout: the classic markup, or a
mutated one (hashed classes and ids, no data-* hooks, swapped element types, names and links
nested either way, wrappers, reordered parts, and each long list loading on scroll, behind
"Show more" or in numbered pages). On every one of them `selectors check` finds every required
key and reads every list whole, and the birthday, sourcing and invitations campaigns, run
in-process through the engine's runner, do exactly what the classic markup does: the same
people wished (each once, with the planned text), visited and withdrawn, every trap avoided.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from linkpilot.common.settings import load_settings
from linkpilot.engine.browser import BrowserSession
from linkpilot.engine.campaigns.birthday import BirthdayCampaign
from linkpilot.engine.campaigns.invitations import InvitationsCampaign
from linkpilot.engine.campaigns.runner import run_campaign
from linkpilot.engine.campaigns.sourcing import SourcingCampaign
from linkpilot.engine.campaigns.summary import StopReason
from linkpilot.engine.runtime import Runtime, open_runtime
from linkpilot.engine.selectors import SelectorEngine, SelectorScores
from linkpilot.engine.selectors.health import check_selectors
from linkpilot.sandbox import RunningSandbox
from linkpilot.storage.models import Contact
from tests.engine.conftest import sandbox_cookie
from tests.mutation.conftest import CLOCK, fresh_home
from tests.mutation.expected import KEYWORDS, LATE_DAYS, OLDER_THAN_DAYS, Expected, expected
from tests.mutation.seeds import seeds_for
from tests.practice_site import ZONE, start_site

# A case is a whole campaign on real Chromium: on a box shared with other suites it can take
# minutes, which is no hang; pytest's default two-minute limit is for single steps.
pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.timeout(300),
]

CASES = [
    *(pytest.param((language, None), id=f"{language}-classic") for language in ("en", "fr")),
    *(
        pytest.param((language, seed), id=f"{language}-seed{seed}")
        for language in ("en", "fr")
        for seed in seeds_for(language)
    ),
]


async def open_site(language: str, seed: int | None, port: int) -> RunningSandbox:
    return await start_site(
        clock=CLOCK,
        port=port,
        seed=7,
        language=language,
        markup="classic" if seed is None else "mutated",
        mutation_seed=seed or 0,
        people=40,
        # Birthdays listed up to 5 days back: 13 cards, more than one batch or page, with every
        # birthday trap (today, yesterday, the homonyms, Thierry) among them.
        birthday_window_days=5,
        search_page_size=3,
    )


def settings_for(home: Path, site: RunningSandbox) -> Any:
    return load_settings(
        {},
        home=home,
        linkedin_url=site.url,
        pacing="fast",
        timezone=ZONE,
        birthday={"late_days": LATE_DAYS},
        invitations={"older_than_days": OLDER_THAN_DAYS},
        sourcing={"keywords": KEYWORDS},
        limits={"messages": {"per_run": 50, "per_day": 50, "per_week": 200}},
    )


async def fresh_browser(browser: BrowserSession, site: RunningSandbox) -> None:
    await browser.use_cookies([sandbox_cookie(site.state.current_token)])
    main = await browser.page()
    for page in browser.context.pages:
        if page is not main:
            await page.close()
    await main.goto("about:blank")


async def contacts(rt: Runtime) -> dict[str, Contact]:
    async with rt.db.session() as session:
        rows = (await session.execute(select(Contact))).scalars().all()
    return {row.profile_url.rstrip("/").rsplit("/", 1)[-1]: row for row in rows if row.profile_url}


def check_birthday(site: RunningSandbox, want: Expected, summary: dict[str, Any], sent_before: int) -> None:
    assert summary["stopped"]["reason"] == StopReason.COMPLETED, summary["stopped"]
    messages = site.state.record.messages[sent_before:]
    per_person = Counter(m["to_slug"] for m in messages)
    assert set(per_person) == want.wished
    assert max(per_person.values()) == 1  # never twice
    planned = {item["slug"]: item for item in summary["plan"]}
    assert {slug: item["days_late"] for slug, item in planned.items()} == want.days_late
    people = site.state.world.by_slug
    for message in messages:
        assert message["to_name"] == people[message["to_slug"]].full_name
        assert message["text"] == planned[message["to_slug"]]["text"]
    assert {skip["slug"]: skip["reason"] for skip in summary["skipped"]} == want.birthday_skips


async def check_sourcing(
    rt: Runtime, site: RunningSandbox, want: Expected, summary: dict[str, Any], visits_before: int
) -> None:
    assert summary["stopped"]["reason"] == StopReason.COMPLETED, summary["stopped"]
    # Every result visited once, in order; no ad, no suggestion, no sidebar profile.
    assert tuple(site.state.record.visits[visits_before:]) == want.visited
    stored = await contacts(rt)
    for slug in want.visited:
        person = site.state.world.by_slug[slug]
        contact = stored[slug]
        assert (contact.name, contact.headline, contact.location, contact.degree) == (
            person.full_name,
            person.headline,
            person.location,
            person.degree,
        )
        assert contact.open_to_work == person.open_to_work
        assert contact.skills == list(person.skills)


def check_invitations(site: RunningSandbox, want: Expected, summary: dict[str, Any]) -> None:
    assert summary["stopped"]["reason"] == StopReason.COMPLETED, summary["stopped"]
    assert tuple(site.state.record.withdrawals) == want.withdrawn  # oldest first, only those
    assert {s["slug"] for s in summary["skipped"] if s["reason"] == "too_recent"} == want.too_recent


@dataclass
class World:
    """One case: its practice site, and an engine with a fresh data folder on the shared browser."""

    site: RunningSandbox
    rt: Runtime
    want: Expected


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=CASES)
async def world(
    request: pytest.FixtureRequest,
    mutation_browser: BrowserSession,
    mutation_port: int,
    migrated_database: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[World]:
    language, seed = request.param
    site = await open_site(language, seed, mutation_port)
    try:
        await fresh_browser(mutation_browser, site)
        settings = settings_for(fresh_home(tmp_path_factory.mktemp("case"), migrated_database), site)
        async with open_runtime(settings, clock=CLOCK) as rt:
            rt.shared_browser = mutation_browser
            yield World(site, rt, expected(site.state.world))
    finally:
        await site.stop()


async def test_selectors_check_finds_every_required_key_and_reads_every_list(world: World) -> None:
    rt, site = world.rt, world.site
    browser = rt.shared_browser
    assert browser is not None
    selectors = SelectorEngine(await SelectorScores.load(rt.db))
    report = await check_selectors(
        await browser.page(), selectors, site.url, timeout_ms=4000, home=rt.settings.home
    )
    assert report.missing_required == ()
    assert report.page_errors == {}
    assert all(reading.unread == 0 for reading in report.readings.values()), report.readings
    assert report.readings["birthday"].items == len(site.state.world.birthday_cards())
    assert report.readings["invitations"].items == len(site.state.world.invitations)
    assert report.ok
    assert report.diagnostics == {}


async def test_birthday_wishes_the_same_people_once(world: World) -> None:
    sent_before = len(world.site.state.record.messages)
    summary = await run_campaign(world.rt, BirthdayCampaign(world.rt), dry_run=False)
    check_birthday(world.site, world.want, summary.to_json(), sent_before)


async def test_sourcing_visits_the_same_people_and_reads_their_profiles(world: World) -> None:
    visits_before = len(world.site.state.record.visits)
    summary = await run_campaign(world.rt, SourcingCampaign(world.rt), dry_run=False)
    await check_sourcing(world.rt, world.site, world.want, summary.to_json(), visits_before)


async def test_invitations_withdraws_the_same_ones_oldest_first(world: World) -> None:
    summary = await run_campaign(world.rt, InvitationsCampaign(world.rt), dry_run=False)
    check_invitations(world.site, world.want, summary.to_json())
