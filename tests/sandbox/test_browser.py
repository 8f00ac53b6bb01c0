"""The practice site in real headless Chromium, in both languages and both markups."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from linkpilot.sandbox import Person, RunningSandbox
from tests.sandbox.conftest import PageFactory, SandboxFactory

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]

COMBOS = [("en", "classic"), ("en", "hashed"), ("fr", "classic"), ("fr", "hashed")]
WORDS = {
    "en": {
        "message": "Message {}",
        "send": "Send",
        "close": "Close",
        "connect": "Connect",
        "withdraw": "Withdraw",
        "search": "Search",
        "about": "About",
        "experience": "Experience",
        "education": "Education",
        "skills": "Skills",
        "languages": "Languages",
        "deg1": "1st",
        "also": "People also viewed",
        "photo": "Photo of {}",
        "present": "Present",
        "next": "Next",
    },
    "fr": {
        "message": "Envoyer un message à {}",
        "send": "Envoyer",
        "close": "Fermer",
        "connect": "Se connecter",
        "withdraw": "Retirer",
        "search": "Recherche",
        "about": "Infos",
        "experience": "Expérience",
        "education": "Formation",
        "skills": "Compétences",
        "languages": "Langues",
        "deg1": "1er",
        "also": "Autres profils consultés",
        "photo": "Photo de {}",
        "present": "aujourd’hui",
        "next": "Suivant",
    },
}


def by_role(world_people: list[Person], role: str) -> Person:
    return next(p for p in world_people if p.role == role)


async def next_frame(page: Page) -> None:
    await page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


@pytest.mark.parametrize(("language", "markup"), COMBOS)
async def test_login_form_leads_to_feed(
    make_sandbox: SandboxFactory, open_page: PageFactory, language: str, markup: str
) -> None:
    site = await make_sandbox(language=language, markup=markup)
    page = await open_page(site, logged_in=False)
    await page.goto(site.url + "/feed/")
    await expect(page).to_have_url(re.compile(r"/login\?session_redirect="))
    await page.fill("#username", "pilot@sandbox.test")
    await page.fill("#password", "sandbox-password")
    await page.click("button[type=submit]")
    await expect(page).to_have_url(site.url + "/feed/")
    await expect(page.locator("#global-nav")).to_be_visible()
    await expect(page.get_by_role("textbox", name=WORDS[language]["search"])).to_be_visible()
    classic = 1 if markup == "classic" else 0
    for selector in (
        "img.global-nav__me-photo",
        "input.search-global-typeahead__input",
        "div.feed-identity-module",
    ):
        await expect(page.locator(selector)).to_have_count(classic)


@pytest.mark.parametrize(("language", "markup"), COMBOS)
async def test_birthday_page_loads_more_cards_on_scroll(
    make_sandbox: SandboxFactory, open_page: PageFactory, language: str, markup: str
) -> None:
    site = await make_sandbox(language=language, markup=markup)
    expected = site.state.world.birthday_cards()
    page = await open_page(site)
    await page.goto(site.url + "/mynetwork/catch-up/birthday/")
    cards = page.locator("div[role=listitem]")
    await expect(cards).to_have_count(10)
    for _ in range(80):
        if await cards.count() == len(expected):
            break
        await page.keyboard.press("PageDown")
        await next_frame(page)
    await expect(cards).to_have_count(len(expected))
    await expect(page.locator(".celebrations-entity-list-item")).to_have_count(
        len(expected) if markup == "classic" else 0
    )
    names = [await card.locator('a[href*="/in/"]').last.inner_text() for card in await cards.all()]
    assert names == [p.full_name for p, _ in expected]

    words = WORDS[language]
    for person, _days in expected:
        card = cards.filter(has=page.locator(f'a[href="/in/{person.slug}/"]'))
        await expect(card.locator(f'img[alt="{words["photo"].format(person.full_name)}"]')).to_have_count(1)
        message = card.get_by_role("button", name=words["message"].format(person.full_name), exact=True)
        await expect(message).to_have_count(1 if person.degree == 1 else 0)
    thierry = cards.filter(has_text="Thierry")
    status = "Birthday 5 days ago" if language == "en" else "Anniversaire il y a 5 jours"
    await expect(thierry).to_contain_text(status)
    trap = by_role(site.state.world.people, "connect-trap")
    trap_card = cards.filter(has=page.locator(f'a[href="/in/{trap.slug}/"]'))
    await expect(trap_card.get_by_role("button")).to_have_text(words["connect"])
    homonyms = cards.filter(has_text="Marie Martin")
    await expect(homonyms).to_have_count(2)


async def test_birthday_alias_path_serves_the_same_page(
    sandbox: RunningSandbox, open_page: PageFactory
) -> None:
    page = await open_page(sandbox)
    await page.goto(sandbox.url + "/mynetwork/invite-connect/celebrations/birthdays/")
    await expect(page.locator("div[role=listitem]")).to_have_count(10)
    await expect(page.locator("div[role=listitem]").first).to_contain_text("Birthday today")


@pytest.mark.parametrize(("language", "markup"), [("en", "classic"), ("fr", "hashed")])
async def test_message_dialog_shows_history_sends_and_stacks(
    make_sandbox: SandboxFactory, open_page: PageFactory, language: str, markup: str
) -> None:
    site = await make_sandbox(language=language, markup=markup)
    words = WORDS[language]
    wished = by_role(site.state.world.people, "already-wished")
    other = next(p for p, d in site.state.world.birthday_cards() if p.degree == 1 and p is not wished)
    page = await open_page(site)
    await page.goto(site.url + "/mynetwork/catch-up/birthday/")
    await page.get_by_role("button", name=words["message"].format(wished.full_name), exact=True).click()
    dialog = page.locator("div[role=dialog]").last
    await expect(dialog.locator("h2[id*=message-overlay-title]")).to_have_text(wished.full_name)
    await expect(dialog).to_contain_text(f"Happy birthday {wished.first_name}!")
    if markup == "classic":
        await expect(
            page.locator("aside.msg-overlay-conversation-bubble .msg-overlay-bubble-header__title")
        ).to_have_text(wished.full_name)
    send = dialog.get_by_role("button", name=words["send"], exact=True)
    await expect(send).to_be_disabled()
    await dialog.locator("div[role=textbox][contenteditable=true]").fill("Bon anniversaire !")
    await send.click()
    await expect(dialog.locator("li").last).to_contain_text("Bon anniversaire !")
    record = site.state.record.messages
    assert [(m["to_slug"], m["text"]) for m in record] == [(wished.slug, "Bon anniversaire !")]

    await page.get_by_role("button", name=words["message"].format(other.full_name), exact=True).click()
    await expect(page.locator("div[role=dialog]")).to_have_count(2)
    await expect(page.locator("div[role=dialog]").last.locator("h2")).to_have_text(other.full_name)
    await expect(page.locator("div[role=textbox]")).to_have_count(2)
    await page.locator("div[role=dialog]").last.get_by_role("button", name=words["close"], exact=True).click()
    await expect(page.locator("div[role=dialog]")).to_have_count(1)


async def test_silent_send_once_drops_one_message(sandbox: RunningSandbox, open_page: PageFactory) -> None:
    person = by_role(sandbox.state.world.people, "today")
    sandbox.state.faults.update({"silent_send_once": True})
    page = await open_page(sandbox)
    await page.goto(sandbox.url + "/mynetwork/catch-up/birthday/")
    await page.get_by_role("button", name=f"Message {person.full_name}", exact=True).click()
    dialog = page.locator("div[role=dialog]").last
    box = dialog.locator("div[role=textbox]")
    await box.fill("Happy birthday!")
    await dialog.get_by_role("button", name="Send").click()
    await expect(box).to_have_text("")
    await expect(dialog.get_by_text("Happy birthday!")).to_have_count(0)
    assert sandbox.state.record.messages == []
    assert sandbox.state.faults.silent_send_once is False
    await box.fill("Happy birthday, again!")
    await dialog.get_by_role("button", name="Send").click()
    await expect(dialog.get_by_text("Happy birthday, again!")).to_have_count(1)
    assert [m["text"] for m in sandbox.state.record.messages] == ["Happy birthday, again!"]


@pytest.mark.parametrize(("language", "markup"), [("en", "classic"), ("fr", "hashed")])
async def test_profile_top_card_sticky_header_and_sidebar(
    make_sandbox: SandboxFactory, open_page: PageFactory, language: str, markup: str
) -> None:
    site = await make_sandbox(language=language, markup=markup)
    words = WORDS[language]
    person = by_role(site.state.world.people, "already-wished")
    page = await open_page(site)
    await page.goto(site.url + f"/in/{person.slug}/")
    assert site.state.record.visits == [person.slug]
    await expect(page.locator("h1")).to_have_text(person.full_name)
    if markup == "classic":
        await expect(page.locator("h1.text-heading-xlarge")).to_have_text(person.full_name)
        await expect(page.locator("div.text-body-medium.break-words")).to_have_text(person.headline)
        await expect(page.locator(".pv-top-card span.dist-value")).to_have_text(words["deg1"])
        await expect(page.locator("li.pvs-list__paged-list-item").first).to_be_visible()
    for key in ("about", "experience", "education", "skills", "languages"):
        await expect(page.locator("section", has=page.get_by_role("heading", name=words[key]))).to_have_count(
            1
        )
    experience = page.locator("section", has=page.get_by_role("heading", name=words["experience"]))
    await expect(experience.locator('li span[aria-hidden="true"]').first).to_have_text(
        person.experience[0].title
    )
    await expect(page.get_by_role("heading", name=words["also"])).to_be_visible()

    message = page.get_by_role("button", name=words["message"].format(person.full_name), exact=True)
    # Top card only: the sticky header waits for a scroll, the "More" menu copy stays hidden.
    await expect(message).to_have_count(1)
    assert (
        await page.locator(f'button[aria-label="{words["message"].format(person.full_name)}"]').count() == 3
    )
    await page.mouse.wheel(0, 800)
    await expect(message).to_have_count(2)
    await message.last.click()
    # Opening the dialog may scroll the sticky header away again: click the top card's own button.
    top = page.locator("section", has=page.locator("h1"))
    await top.get_by_role("button", name=words["message"].format(person.full_name), exact=True).click()
    dialogs = page.locator("div[role=dialog]")
    await expect(dialogs).to_have_count(1)
    await expect(dialogs.locator("h2")).to_have_text(person.full_name)

    stranger = by_role(site.state.world.people, "connect-trap")
    await page.goto(site.url + f"/in/{stranger.slug}/")
    top_card = page.locator("section", has=page.locator("h1"))
    await expect(top_card.get_by_role("button").filter(has_text=words["connect"])).to_have_count(1)
    await expect(
        top_card.get_by_role("button", name=words["message"].format(stranger.full_name))
    ).to_have_count(0)


async def test_profile_without_session_goes_to_authwall(
    sandbox: RunningSandbox, open_page: PageFactory
) -> None:
    slug = sandbox.state.world.people[0].slug
    page = await open_page(sandbox, logged_in=False)
    await page.goto(sandbox.url + f"/in/{slug}/")
    await expect(page).to_have_url(re.compile(r"/authwall\?"))
    assert sandbox.state.record.visits == []


async def test_checkpoint_and_captcha_after_actions(sandbox: RunningSandbox, open_page: PageFactory) -> None:
    people = sandbox.state.world.people
    sandbox.state.faults.update({"checkpoint_after_actions": 1})
    page = await open_page(sandbox)
    await page.goto(sandbox.url + f"/in/{people[0].slug}/")
    await expect(page.locator("h1")).to_have_text(people[0].full_name)
    await page.goto(sandbox.url + "/mynetwork/catch-up/birthday/")
    await expect(page).to_have_url(sandbox.url + "/checkpoint/challenge/")
    await expect(page.get_by_role("heading", name=re.compile("^Check your"))).to_be_visible()
    await expect(page.locator("input[name=pin]")).to_be_visible()

    sandbox.state.faults.update({"checkpoint_after_actions": None, "captcha_after_actions": 1})
    await page.goto(sandbox.url + "/feed/")
    await expect(page.locator("#captcha-internal")).to_be_visible()
    frame = page.frame_locator("iframe[src*=captcha]")
    await expect(frame.get_by_text("I'm not a robot")).to_be_visible()


async def test_http_500_then_recovery(sandbox: RunningSandbox, open_page: PageFactory) -> None:
    sandbox.state.faults.update({"http_500": 1})
    page = await open_page(sandbox)
    first = await page.goto(sandbox.url + "/feed/")
    assert first is not None
    assert first.status == 500
    second = await page.goto(sandbox.url + "/feed/")
    assert second is not None
    assert second.status == 200


@pytest.mark.parametrize(("language", "markup"), [("en", "classic"), ("fr", "hashed")])
async def test_withdraw_needs_confirmation(
    make_sandbox: SandboxFactory, open_page: PageFactory, language: str, markup: str
) -> None:
    site = await make_sandbox(language=language, markup=markup)
    words = WORDS[language]
    invitations = site.state.world.invitations
    page = await open_page(site)
    await page.goto(site.url + "/mynetwork/invitation-manager/sent/")
    cards = page.locator("main li", has=page.locator("time"))
    await expect(cards).to_have_count(len(invitations))
    if markup == "classic":
        await expect(page.locator("li.invitation-card")).to_have_count(len(invitations))
        await expect(page.locator("li.invitation-card .invitation-card__title").first).to_have_text(
            invitations[0].name
        )
    oldest = max(invitations, key=lambda inv: (site.state.today - inv.sent_on).days)
    card = cards.filter(has=page.locator(f'a[href="/in/{oldest.slug}/"]'))
    await expect(card.locator("time")).to_have_text(
        "Sent 2 years ago" if language == "en" else "Envoyée il y a 2 ans"
    )

    await card.get_by_role("button").click()
    dialog = page.locator("div[role=dialog]")
    await dialog.get_by_role("button", name="Cancel" if language == "en" else "Annuler").click()
    await expect(dialog).to_have_count(0)
    assert site.state.record.withdrawals == []

    await card.get_by_role("button").click()
    await expect(dialog).to_contain_text(oldest.name)
    await dialog.get_by_role("button", name=words["withdraw"], exact=True).click()
    await expect(dialog).to_have_count(0)
    await expect(cards).to_have_count(len(invitations) - 1)
    assert site.state.record.withdrawals == [oldest.slug]
    await page.reload()
    await expect(cards).to_have_count(len(invitations) - 1)


@pytest.mark.parametrize("markup", ["classic", "hashed"])
async def test_search_pages_and_links_outside_results(
    make_sandbox: SandboxFactory, open_page: PageFactory, markup: str
) -> None:
    site = await make_sandbox(markup=markup)
    page = await open_page(site)
    await page.goto(site.url + "/search/results/people/?keywords=&origin=FACETED_SEARCH")
    results = page.locator("main ul[role=list] > li")
    await expect(results).to_have_count(10)
    if markup == "classic":
        await expect(page.locator("div[data-view-name=people-search-result]")).to_have_count(10)
        links = page.locator("a[data-view-name=search-result-lockup-title]")
        await expect(links).to_have_count(10)
        hrefs = [await link.get_attribute("href") or "" for link in await links.all()]
        assert all("?miniProfileUrn=" in href for href in hrefs)
    first_page = site.state.record.searches[-1]["results"]
    result_hrefs = {await a.get_attribute("href") for a in await results.locator('a[href*="/in/"]').all()}
    result_slugs = {href.split("/")[2] for href in result_hrefs if href}
    assert result_slugs == set(first_page)
    outside = page.locator('a[href*="/in/"]').filter(has_not=page.locator("xpath=ancestor::ul[@role='list']"))
    outside_slugs = {
        (await a.get_attribute("href") or "").split("/")[2]
        for a in await page.locator('aside a[href*="/in/"]').all()
    }
    assert outside_slugs
    assert not outside_slugs & result_slugs
    assert await outside.count() >= len(outside_slugs)

    await page.get_by_role("button", name="Next").click()
    await expect(page).to_have_url(re.compile(r"[?&]page=2"))
    assert site.state.record.searches[-1]["page"] == 2
    assert not set(site.state.record.searches[-1]["results"]) & set(first_page)
    if markup == "classic":
        await expect(page.locator("button.artdeco-pagination__button--next")).to_be_enabled()
    await page.goto(site.url + "/search/results/people/?keywords=&page=6")
    await expect(page.get_by_role("button", name="Next")).to_be_disabled()


async def test_search_keyword_filters(sandbox: RunningSandbox, open_page: PageFactory) -> None:
    page = await open_page(sandbox)
    await page.goto(
        sandbox.url + '/search/results/people/?keywords=Rust%20NOT%20Leadership&profileLanguage=["fr"]'
    )
    results = sandbox.state.record.searches[-1]["results"]
    people = sandbox.state.world.by_slug
    assert results
    assert all("Rust" in people[s].searchable_text() for s in results)
    assert all("Leadership" not in people[s].searchable_text() for s in results)
    assert all(people[s].profile_language == "fr" for s in results)


async def test_language_switch_at_runtime(sandbox: RunningSandbox, open_page: PageFactory) -> None:
    page = await open_page(sandbox)
    await page.goto(sandbox.url + "/mynetwork/catch-up/birthday/")
    await expect(page.locator("div[role=listitem]").first).to_contain_text("Birthday today")
    sandbox.state.reconfigure(language="fr", markup="hashed")
    await page.reload()
    await expect(page.locator("div[role=listitem]").first).to_contain_text("Anniversaire aujourd’hui")
    await expect(page.locator(".celebrations-entity-list-item")).to_have_count(0)
