"""Mutated pages in real Chromium: every fact the campaigns need is still there by meaning.

Read only through roles, accessible names, link targets and text (Playwright's role
queries), as a reader of a LinkedIn layout it has never seen would. Seeds 0-2 and 3-5 give
every list every loading mode, in English and in French.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
import pytest_asyncio
from playwright.async_api import Locator, Page, expect

from linkpilot.sandbox import RunningSandbox, birthday_in_year
from linkpilot.sandbox.i18n import Texts
from linkpilot.sandbox.mutation import mutator
from linkpilot.sandbox.search import Query
from tests.sandbox.conftest import PageFactory, SandboxFactory

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]

CASES = [(0, "en"), (1, "en"), (2, "en"), (3, "fr"), (4, "fr"), (5, "fr")]
IDS = [f"seed{seed}-{language}" for seed, language in CASES]
KEYWORDS = "Rust OR Python"


@dataclass
class Case:
    """One mutated site, its words, its seed and a logged-in page on it."""

    site: RunningSandbox
    t: Texts
    seed: int
    page: Page


@pytest_asyncio.fixture(loop_scope="session", params=CASES, ids=IDS)
async def case(request: pytest.FixtureRequest, make_sandbox: SandboxFactory, open_page: PageFactory) -> Case:
    seed, language = request.param
    site = await make_sandbox(markup="mutated", mutation_seed=seed, language=language)
    return Case(site, Texts(language), seed, await open_page(site))


def people_items(page: Page) -> Locator:
    """The main column's list items that link to someone: cards, results, invitations."""
    return page.get_by_role("main").get_by_role("listitem").filter(has=page.locator('a[href^="/in/"]'))


async def slugs_of(items: Locator) -> list[str]:
    slugs = []
    for item in await items.all():
        href = await item.locator('a[href^="/in/"]').first.get_attribute("href") or ""
        slugs.append(href.split("/")[2])
    return slugs


async def read_to_end(page: Page, t: Texts, mode: str, total: int) -> list[str]:
    """Every person of the page's long list, however it loads."""
    items = people_items(page)
    if mode == "pages":
        slugs: list[str] = []
        for number in range(2, 100):
            await expect(items.first).to_be_visible()
            slugs += await slugs_of(items)
            following = page.get_by_role("button", name=t("next"), exact=True)
            if await following.is_disabled():
                break
            await following.click()
            await expect(page).to_have_url(re.compile(rf"[?&]page={number}\b"))
        return slugs
    more = page.get_by_role("button", name=t("show_more"), exact=True)
    await expect(more).to_have_count(1 if mode == "more" else 0)
    await expect(page.get_by_role("button", name=t("next"), exact=True)).to_have_count(0)
    shown = await items.count()
    while shown < total:
        if mode == "more":
            await more.click()
            await expect(items).not_to_have_count(shown)
        else:
            await scroll_until_it_grows(page, items, shown)
        shown = await items.count()
    await expect(more).to_have_count(0)
    return await slugs_of(items)


async def scroll_until_it_grows(page: Page, items: Locator, shown: int, presses: int = 8) -> None:
    """End, again if need be, as a reader (and the engine's list loader) would: once, under a
    load of 4 on two cores, a single End left the list at its 20 items for 5 s — the scroll
    came while nothing more could be asked for, and a page at its bottom scrolls no further."""
    for _ in range(presses):
        await page.keyboard.press("End")
        try:
            await expect(items).not_to_have_count(shown, timeout=2_000)
        except AssertionError:
            continue
        return
    raise AssertionError(f"the list stayed at {shown} items through {presses} presses of End")


async def buttons_all_named(page: Page) -> None:
    snapshot = await page.locator("body").aria_snapshot()
    nameless = [line for line in snapshot.splitlines() if re.match(r"\s*- button(?! \")", line)]
    assert not nameless, nameless


async def test_logged_in_is_told_by_the_navigation_landmark(case: Case) -> None:
    site, t = case.site, case.t
    page = case.page
    await page.goto(site.url + "/feed/")
    nav = page.get_by_role("navigation", name=t("primary_nav"))
    me = nav.get_by_role("button", name=re.compile(rf"\b{t('me')}$"))
    own = nav.get_by_role("link", name=re.compile(re.escape(site.state.config.me_name)))
    await expect(own).to_have_count(0)  # in the closed menu
    await me.click()
    await expect(me).to_have_attribute("aria-expanded", "true")
    await expect(own).to_have_attribute("href", "/in/me/")
    await expect(page.get_by_role("search").get_by_role("textbox", name=t("search"))).to_be_visible()
    await expect(page.locator("#global-nav, .global-nav")).to_have_count(0)
    await buttons_all_named(page)


async def test_birthday_cards_read_to_the_end(case: Case) -> None:
    site, t, seed = case.site, case.t, case.seed
    today = site.state.today
    expected = site.state.world.birthday_cards()
    page = case.page
    await page.goto(site.url + "/mynetwork/catch-up/birthday/")
    await buttons_all_named(page)
    mode = mutator(seed).list_mode("birthdays")
    assert await read_to_end(page, t, mode, len(expected)) == [p.slug for p, _ in expected]
    for index, (person, days) in enumerate(expected):
        if mode == "pages" and index % site.state.config.birthday_batch == 0:
            await page.goto(site.url + f"/mynetwork/catch-up/birthday/?page={index // 10 + 1}")
        card = people_items(page).filter(has=page.locator(f'a[href="/in/{person.slug}/"]'))
        await expect(card.get_by_role("link", name=person.full_name, exact=True)).to_have_attribute(
            "href", f"/in/{person.slug}/"
        )
        await expect(card.get_by_role("img", name=t("photo_of", name=person.full_name))).to_have_count(1)
        day = birthday_in_year(person.birth_month, person.birth_day, today.year)
        day = day if day <= today else birthday_in_year(person.birth_month, person.birth_day, today.year - 1)
        await expect(card).to_contain_text(t.birthday_status(days, day))
        message = card.get_by_role("button", name=t("message_to", name=person.full_name), exact=True)
        await expect(message).to_have_count(1 if person.degree == 1 else 0)
        if person.degree > 1:
            other = "connect_to" if person.degree == 2 else "follow_to"
            await expect(card.get_by_role("button", name=t(other, name=person.full_name))).to_have_count(1)


async def test_message_dialog_names_the_person_and_groups_the_thread(case: Case) -> None:
    site, t = case.site, case.t
    wished = next(p for p in site.state.world.people if p.role == "already-wished")
    page = case.page
    await page.goto(site.url + "/mynetwork/catch-up/birthday/")
    await page.get_by_role("button", name=t("message_to", name=wished.full_name), exact=True).click()
    dialog = page.get_by_role("dialog", name=wished.full_name)
    await expect(dialog).to_have_count(1)
    await expect(dialog.get_by_role("link", name=wished.full_name)).to_have_attribute(
        "href", f"/in/{wished.slug}/"
    )
    items = dialog.get_by_role("listitem")
    await expect(items).to_have_count(3)
    me = site.state.config.me_name
    # This morning's two messages: the sender is named once, on the first of the group.
    await expect(items.nth(1)).to_contain_text(me)
    await expect(items.nth(2)).not_to_contain_text(me)
    await expect(items.nth(2)).to_contain_text(f"Happy birthday {wished.first_name}!")
    await buttons_all_named(page)

    send = dialog.get_by_role("button", name=t("send"), exact=True)
    await expect(send).to_be_disabled()
    await dialog.get_by_role("textbox", name=t("write_message")).fill("Joyeux anniversaire !")
    await send.click()
    await expect(items).to_have_count(4)
    await expect(items.last).to_contain_text("Joyeux anniversaire !")
    assert [(m["to_slug"], m["text"]) for m in site.state.record.messages] == [
        (wished.slug, "Joyeux anniversaire !")
    ]
    await dialog.get_by_role("button", name=t("close"), exact=True).click()
    await expect(page.get_by_role("dialog")).to_have_count(0)


async def test_profile_top_card_sections_and_traps(case: Case) -> None:
    site, t = case.site, case.t
    people = site.state.world.people
    person = next(p for p in people if p.role == "already-wished")
    page = case.page
    await page.goto(site.url + f"/in/{person.slug}/")
    name = page.get_by_role("heading", level=1)
    await expect(name).to_have_text(person.full_name)
    top = page.locator("section", has=name)
    await expect(top).to_contain_text(t("deg1"))
    await expect(top).to_contain_text(person.headline)
    await expect(top).to_contain_text(person.location)
    for key in ("about", "experience", "education", "skills", "languages"):
        await expect(page.get_by_role("heading", name=t(key), exact=True)).to_have_count(1)
    experience = page.locator("section", has=page.get_by_role("heading", name=t("experience"), exact=True))
    for job in person.experience:
        await expect(experience).to_contain_text(job.title)
        await expect(experience).to_contain_text(job.company)
    await expect(page.get_by_role("heading", name=t("also_viewed"), exact=True)).to_be_visible()
    await buttons_all_named(page)

    message = page.get_by_role("button", name=t("message_to", name=person.full_name), exact=True)
    # The top card's own button; the "More" menu's copy is hidden, the sticky header's
    # shows only once the page is scrolled.
    await expect(message).to_have_count(1)
    await expect(top.get_by_role("button", name=t("message_to", name=person.full_name))).to_have_count(1)
    await page.mouse.wheel(0, 800)
    await expect(message).to_have_count(2)

    stranger = next(p for p in people if p.role == "connect-trap" and p.open_to_work)
    await page.goto(site.url + f"/in/{stranger.slug}/")
    top = page.locator("section", has=page.get_by_role("heading", level=1))
    await expect(top).to_contain_text(t("open_to_work"))
    await expect(top).to_contain_text(t("deg2"))
    await expect(top.get_by_role("button", name=t("connect_to", name=stranger.full_name))).to_have_count(1)
    await expect(top.get_by_role("button", name=re.compile(re.escape(t("message"))))).to_have_count(0)
    assert site.state.record.visits == [person.slug, stranger.slug]


async def test_search_results_read_to_the_end_and_nothing_else(case: Case) -> None:
    site, t, seed = case.site, case.t, case.seed
    query = Query.from_params({"keywords": KEYWORDS})
    matches = sorted(
        (p for p in site.state.world.people if query.matches(p)),
        key=lambda p: (p.degree, p.full_name, p.slug),
    )
    page = case.page
    await page.goto(site.url + f"/search/results/people/?keywords={KEYWORDS}&origin=FACETED_SEARCH")
    await buttons_all_named(page)
    # The ad and the suggestions link to people outside the results.
    linked = {
        (await link.get_attribute("href") or "").split("/")[2]
        for link in await page.locator('a[href^="/in/"]').all()
    }
    assert linked - set(await slugs_of(people_items(page))) - {"me"}
    slugs = await read_to_end(page, t, mutator(seed).list_mode("search"), len(matches))
    assert slugs == [p.slug for p in matches]
    searches = site.state.record.searches
    assert [s["page"] for s in searches] == [1, 2, 3]
    assert [slug for s in searches for slug in s["results"]] == slugs


async def test_sent_invitations_read_to_the_end_and_withdrawn_with_confirmation(case: Case) -> None:
    site, t, seed = case.site, case.t, case.seed
    invitations = site.state.world.invitations
    oldest = invitations[-1]
    page = case.page
    await page.goto(site.url + "/mynetwork/invitation-manager/sent/")
    await buttons_all_named(page)
    slugs = await read_to_end(page, t, mutator(seed).list_mode("invitations"), len(invitations))
    assert slugs == [i.slug for i in invitations]
    card = people_items(page).filter(has=page.locator(f'a[href="/in/{oldest.slug}/"]'))
    await expect(card).to_contain_text(t.sent_ago((site.state.today - oldest.sent_on).days))
    # Both the photo (its alt is the name) and the name link to the profile.
    names = card.get_by_role("link", name=oldest.name, exact=True)
    await expect(names).to_have_count(2)
    for link in await names.all():
        await expect(link).to_have_attribute("href", f"/in/{oldest.slug}/")

    await card.get_by_role("button", name=re.compile("^" + t("withdraw"))).click()
    dialog = page.get_by_role("dialog", name=t("withdraw_title"))
    await expect(dialog).to_contain_text(oldest.name)
    await dialog.get_by_role("button", name=t("cancel"), exact=True).click()
    await expect(dialog).to_have_count(0)
    assert site.state.record.withdrawals == []
    await card.get_by_role("button", name=re.compile("^" + t("withdraw"))).click()
    await dialog.get_by_role("button", name=t("withdraw"), exact=True).click()
    await expect(dialog).to_have_count(0)
    await expect(card).to_have_count(0)
    assert site.state.record.withdrawals == [oldest.slug]


async def test_sign_in_and_trouble_pages_by_their_words(case: Case) -> None:
    site, t = case.site, case.t
    page = case.page
    await page.context.clear_cookies()
    await page.goto(site.url + "/feed/")
    await page.get_by_label(t("email")).fill(site.state.config.login_email)
    await page.get_by_label(t("password")).fill(site.state.config.login_password)
    await page.get_by_role("button", name=t("sign_in")).click()
    await expect(page).to_have_url(site.url + "/feed/")
    await expect(page.get_by_role("navigation", name=t("primary_nav"))).to_be_visible()

    await page.goto(site.url + "/checkpoint/challenge/")
    await expect(page.get_by_role("heading", name=t("checkpoint_title"))).to_be_visible()
    await expect(page.get_by_label(t("pin"))).to_have_attribute("name", "pin")
    await page.goto(site.url + "/checkpoint/challenge/?type=captcha")
    await expect(page.get_by_role("heading", name=t("captcha_title"))).to_be_visible()
    await expect(page.locator("iframe[src*=captcha]")).to_be_visible()
    await page.goto(site.url + "/checkpoint/restricted/")
    await expect(page.get_by_role("heading", name=t("restricted_title"))).to_be_visible()
    site.state.faults.update({"invitation_limit": True})
    await page.goto(site.url + "/mynetwork/invitation-manager/sent/")
    await expect(page.get_by_role("alert")).to_have_text(t("invite_limit"))
