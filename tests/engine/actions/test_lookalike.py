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

from linkpilot.common.settings import load_settings
from linkpilot.engine.actions import ActionManager, VisitStatus
from linkpilot.engine.browser import BrowserSession
from linkpilot.engine.campaigns.invitations import select_stale
from linkpilot.engine.campaigns.logic.birthday_status import parse_birthday_status
from linkpilot.engine.campaigns.logic.search_url import build_search_url
from linkpilot.engine.page_state import classify, probe
from linkpilot.engine.selectors import SelectorEngine
from tests.engine.livesite import TEST_TIMEOUTS
from tests.lookalike.site import (
    BIRTHDAYS,
    BY_SLUG,
    INVITATIONS,
    JOBS,
    SEARCH,
    SEARCH_AD,
    SUGGESTED,
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
