"""Reading a LinkedIn look-alike someone else wrote (tests/lookalike/site.py), in both languages.

Nothing of its markup comes from the practice site: meaningless classes, status lines and
ages as plain text, names inside their profile links, lists that only grow as they are
scrolled, an ad inside the results column, "logged in" only as a navigation landmark. Where
the engine once read 0 of its birthday cards and 0 of its invitations, every item must read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import select

from linkpilot.common.settings import load_settings
from linkpilot.engine.actions import ActionManager, Entry, MessageTarget, SendStatus, VisitStatus
from linkpilot.engine.browser import BrowserSession
from linkpilot.engine.campaigns.birthday import BirthdayCampaign
from linkpilot.engine.campaigns.invitations import select_stale
from linkpilot.engine.campaigns.logic.birthday_status import parse_birthday_status
from linkpilot.engine.campaigns.logic.search_url import build_search_url
from linkpilot.engine.campaigns.runner import CampaignContext
from linkpilot.engine.campaigns.summary import PlanItem, RunSummary
from linkpilot.engine.pacing import FastPacing
from linkpilot.engine.page_state import classify, probe
from linkpilot.engine.runtime import open_runtime
from linkpilot.engine.selectors import SelectorEngine
from linkpilot.storage.models import Interaction
from tests.engine.livesite import TEST_TIMEOUTS
from tests.lookalike.site import (
    BIRTHDAYS,
    BY_SLUG,
    INVITATIONS,
    JOBS,
    SEARCH,
    SEARCH_AD,
    SUGGESTED,
    THREADS,
    Lookalike,
    start_lookalike,
)

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]

TODAY = dt.date(2026, 11, 26)


@dataclass
class Reader:
    site: Lookalike
    browser: BrowserSession
    actions: ActionManager


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["en", "fr"])
async def reader(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Reader]:
    site = await start_lookalike(request.param)
    home: Path = tmp_path_factory.mktemp("lookalike")
    browser = BrowserSession(load_settings({}, home=home, linkedin_url=site.url, pacing="fast"))
    try:
        await browser.start()
        page = await browser.page()
        yield Reader(site, browser, ActionManager(page, SelectorEngine(), site.url, timeouts=TEST_TIMEOUTS))
    finally:
        await browser.close()
        await site.stop()


async def test_logged_in_is_read_from_the_navigation_landmark(reader: Reader) -> None:
    page = await reader.browser.goto("/feed/")
    facts = await probe(page)
    assert facts.found == frozenset()  # not one of LinkedIn's class or id names
    assert facts.signed_in is not None
    assert classify(facts) is None


async def test_every_birthday_card_reads(reader: Reader) -> None:
    listing = await reader.actions.read_birthday_page()
    assert listing.navigation.ok
    assert listing.unread == ()
    assert [card.slug for card in listing.cards] == [slug for slug, _days in BIRTHDAYS]
    assert [card.name for card in listing.cards] == [BY_SLUG[slug].name for slug, _days in BIRTHDAYS]
    assert [card.is_first_degree for card in listing.cards] == [BY_SLUG[s].degree == 1 for s, _d in BIRTHDAYS]
    for card, (_slug, days) in zip(listing.cards, BIRTHDAYS, strict=True):
        when = parse_birthday_status(card.status_text, TODAY)
        assert when is not None
        assert when.days_late == days, card
    assert listing.passes >= 2  # the list had to be scrolled


async def test_every_invitation_reads_with_its_age(reader: Reader) -> None:
    listing = await reader.actions.read_sent_invitations()
    assert listing.unread == ()
    assert [inv.slug for inv in listing.invitations] == [slug for slug, _n, _unit in INVITATIONS]
    stale, skips = select_stale(listing.invitations, TODAY, 90)
    assert sorted(aged.invitation.slug for aged in stale) == sorted(reader.site.invitations_older_than(90))
    assert {skip.reason for skip in skips} == {"too_recent"}


async def test_search_reads_results_only_and_finds_the_next_page(reader: Reader) -> None:
    first = await reader.actions.read_search_page(build_search_url(reader.site.url, "engineer"))
    assert first.unread == ()
    assert [r.slug for r in first.results] == SEARCH[:5]
    assert [r.name for r in first.results] == [BY_SLUG[s].name for s in SEARCH[:5]]
    assert SEARCH_AD not in {r.slug for r in first.results}
    assert not {r.slug for r in first.results} & set(SUGGESTED)
    assert first.has_next
    assert first.next_url is not None
    second = await reader.actions.read_search_page(first.next_url)
    assert [r.slug for r in second.results] == SEARCH[5:]
    assert not second.has_next


async def test_a_profile_reads_whole(reader: Reader) -> None:
    who = BY_SLUG["nadia-okafor-1"]
    outcome = await reader.actions.visit_profile(who.slug, who.name)
    assert outcome.status is VisitStatus.VISITED
    data = outcome.profile
    assert data is not None
    assert (data.name, data.headline, data.location, data.degree) == (who.name, who.headline, who.location, 1)
    assert [(e.title, e.company, e.date_text) for e in data.experience] == list(JOBS[who.slug])
    otw = BY_SLUG["omar-haddad-7"]
    assert (await reader.actions.visit_profile(otw.slug, otw.name)).profile.open_to_work  # type: ignore[union-attr]


async def test_a_thread_whose_messages_cannot_be_read_is_never_taken_for_an_empty_one(reader: Reader) -> None:
    """Nadia's messages are plain blocks with a time each: no item the engine can read. Taken
    for an empty thread, it would let a wish go out whatever the thread holds."""
    nadia = BY_SLUG["nadia-okafor-1"]
    assert THREADS[nadia.slug]
    target = MessageTarget(nadia.slug, nadia.name, Entry.PROFILE)
    opened = await reader.actions.open_dialog(target)
    assert opened.dialog is not None, opened.detail
    assert await reader.actions.read_thread(target) is None
    await reader.actions.close_dialogs()

    outcome = await reader.actions.send_message(target, "Happy birthday, Nadia!")
    assert outcome.status is SendStatus.THREAD_UNREADABLE
    assert not outcome.clicked
    page = reader.actions.page
    assert await page.evaluate("document.body.dataset.sent") is None  # Send never pressed
    assert await page.get_by_role("textbox").inner_text() == ""  # nothing typed either


async def test_a_conversation_with_no_message_reads_as_empty(reader: Reader) -> None:
    marc = BY_SLUG["marc-dubois-5"]
    assert marc.slug not in THREADS
    target = MessageTarget(marc.slug, marc.name, Entry.PROFILE)
    opened = await reader.actions.open_dialog(target)
    assert opened.dialog is not None, opened.detail
    assert await reader.actions.read_thread(target) == ()
    await reader.actions.close_dialogs()


async def test_a_birthday_wish_to_an_unreadable_thread_is_skipped_as_trouble_and_never_sent(
    reader: Reader, tmp_path: Path
) -> None:
    nadia = BY_SLUG["nadia-okafor-1"]
    settings = load_settings({}, home=tmp_path / "home", linkedin_url=reader.site.url, pacing="fast")
    async with open_runtime(settings) as rt:
        ctx = CampaignContext(rt, reader.browser, reader.actions, FastPacing(), RunSummary("birthday", False))
        item = PlanItem(
            nadia.slug,
            nadia.name,
            "message",
            "birthday today",
            text="Happy birthday, Nadia!",
            template_id="t",
            occurrence=TODAY.isoformat(),
            days_late=0,
        )
        result = await BirthdayCampaign(rt).act(ctx, item)
        async with rt.db.session() as session:
            (row,) = (await session.execute(select(Interaction))).scalars().all()
    assert (result.result, result.spent, result.trouble, result.skip_reason) == (
        "skipped",
        False,
        True,
        "thread_unreadable",
    )
    # Not sent, and free to be tried again once the thread reads: failed, never unknown.
    assert (row.state, row.error) == (
        "failed",
        "thread_unreadable: the conversation shows messages that cannot be read",
    )
    assert await reader.actions.page.evaluate("document.body.dataset.sent") is None
