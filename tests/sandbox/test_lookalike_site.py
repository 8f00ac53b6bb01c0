"""The independent look-alike (tests/lookalike) holds every fact, by meaning, in both languages."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Locator, Page, expect

from tests.lookalike.site import (
    BIRTHDAYS,
    BY_SLUG,
    INVITATIONS,
    ME,
    SEARCH,
    Lookalike,
    birthday_status,
    start_lookalike,
)

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]


@pytest_asyncio.fixture(loop_scope="session", params=["en", "fr"])
async def lookalike(request: pytest.FixtureRequest) -> AsyncIterator[Lookalike]:
    site = await start_lookalike(request.param)
    yield site
    await site.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_default_timeout(5000)
    yield await context.new_page()
    await context.close()


def w(site: Lookalike, en: str, fr: str) -> str:
    return fr if site.language == "fr" else en


async def grown_list(page: Page, url: str, first: int, total: int) -> Locator:
    """The page's list items: ``first`` of them at first, ``total`` once scrolled to the end."""
    await page.goto(url)
    items = page.get_by_role("main").get_by_role("listitem")
    await expect(items).to_have_count(first)
    while (shown := await items.count()) < total:
        await page.keyboard.press("End")
        await expect(items).not_to_have_count(shown)
    return items


async def test_logged_in_shows_only_as_a_navigation_landmark(lookalike: Lookalike, page: Page) -> None:
    await page.goto(lookalike.url + "/feed/")
    nav = page.get_by_role("navigation")
    me = nav.get_by_role("button", name=w(lookalike, "Me", "Vous"), exact=True)
    await me.click()
    await expect(nav.get_by_role("link", name=ME[0], exact=True)).to_have_attribute("href", f"/in/{ME[1]}/")
    assert not await page.locator("[id], [data-view-name]").count()


async def test_birthday_statuses_are_plain_text_and_the_list_grows_on_scroll(
    lookalike: Lookalike, page: Page
) -> None:
    cards = await grown_list(page, lookalike.url + "/mynetwork/catch-up/birthday/", 5, len(BIRTHDAYS))
    await expect(page.locator("main time")).to_have_count(0)  # the conversations beside it have times
    for (slug, days), card in zip(BIRTHDAYS, await cards.all(), strict=True):
        who = BY_SLUG[slug]
        await expect(card.get_by_role("link", name=who.name, exact=True)).to_have_attribute(
            "href", f"/in/{slug}/"
        )
        await expect(card).to_contain_text(birthday_status(lookalike.language, days))
        message = w(lookalike, f"Message {who.name}", f"Envoyer un message à {who.name}")
        await expect(card.get_by_role("button", name=message, exact=True)).to_have_count(int(who.degree == 1))
    assert lookalike.birthday_plan == ["nadia-okafor-1", "lea-fontaine-4", "omar-haddad-7", "thierry-blanc-3",
                                       "julia-novak-8", "ben-ito-9"]  # fmt: skip


async def test_invitation_titles_sit_inside_their_links_and_old_ones_come_on_scroll(
    lookalike: Lookalike, page: Page
) -> None:
    oldest = BY_SLUG[INVITATIONS[-1][0]]
    cards = await grown_list(page, lookalike.url + "/mynetwork/invitation-manager/sent/", 6, len(INVITATIONS))
    card = cards.filter(has=page.locator(f'a[href="/in/{oldest.slug}/"]'))
    await expect(card).to_contain_text(w(lookalike, "Sent 2 years ago", "Envoyée il y a 2 ans"))
    await expect(card.get_by_role("link")).to_contain_text(oldest.name)
    withdraw = w(lookalike, "Withdraw invitation sent to ", "Retirer l’invitation envoyée à ") + oldest.name
    await expect(card.get_by_role("button", name=withdraw, exact=True)).to_have_count(1)
    assert [s for s, _, _ in INVITATIONS][-3:] == lookalike.invitations_older_than(90)


async def test_search_pages_by_link_and_keeps_the_ad_outside_the_results(
    lookalike: Lookalike, page: Page
) -> None:
    await page.goto(lookalike.url + "/search/results/people/?keywords=python")
    results = page.get_by_role("main").get_by_role("list").get_by_role("listitem")
    await expect(results).to_have_count(5)
    await page.get_by_role("link", name=w(lookalike, "Next", "Suivant"), exact=True).click()
    await expect(results).to_have_count(len(SEARCH) - 5)
    await expect(page.get_by_role("link", name=w(lookalike, "Next", "Suivant"), exact=True)).to_have_count(0)
    assert [s["results"] for s in lookalike.searches] == [SEARCH[:5], SEARCH[5:]]


async def test_profile_facts_by_heading_and_text(lookalike: Lookalike, page: Page) -> None:
    who = BY_SLUG["omar-haddad-7"]
    await page.goto(lookalike.url + f"/in/{who.slug}/")
    name = page.get_by_role("heading", level=1)
    await expect(name).to_have_text(who.name)
    top = page.locator("section", has=name)
    await expect(top).to_contain_text(w(lookalike, "· 1st", "· 1er"))
    await expect(top).to_contain_text(w(lookalike, "Open to work", "En recherche"))
    await expect(page.get_by_role("heading", name=w(lookalike, "Experience", "Expérience"))).to_be_visible()
    assert lookalike.visits == [who.slug]
