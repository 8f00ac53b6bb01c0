"""Scoped resolution, heuristics and learning against real Chromium on the practice site."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from linkpilot.engine.browser import BrowserSession
from linkpilot.engine.selectors import SelectorEngine, SelectorNotFound, SelectorScores, Via
from linkpilot.engine.selectors.health import KeyStatus, check_selectors
from linkpilot.sandbox import RunningSandbox
from linkpilot.storage.database import Database
from linkpilot.storage.models import SelectorStat
from tests.engine.conftest import GENERATIONS
from tests.engine.livesite import Live, make_live

pytestmark = pytest.mark.asyncio(loop_scope="session")


def site(language: str, markup: str):  # type: ignore[no-untyped-def]
    return pytest.mark.parametrize("sandbox", [{"language": language, "markup": markup}], indirect=True)


async def top_card_of(live: Live, selectors: SelectorEngine, slug: str):  # type: ignore[no-untyped-def]
    await live.page.goto(f"{live.site.url}/in/{slug}/")
    main = await selectors.require("page.main", live.page)
    return await selectors.resolve("profile.top_card", main.locator)


@site("fr", "hashed")
async def test_hashed_markup_falls_back_to_the_heuristic_and_learns(
    sandbox: RunningSandbox, browser: BrowserSession, db: Database
) -> None:
    live = make_live(sandbox, await browser.page(), await SelectorScores.load(db))
    selectors = live.selectors
    slug = live.cast("today", degree=1)[0].slug
    found = await top_card_of(live, selectors, slug)
    assert found is not None
    assert found.via is Via.HEURISTIC
    assert found.learned
    learned = found.candidate
    assert learned is not None
    assert learned.startswith("section.")
    assert "pv-top-card" not in learned  # hashed classes only
    assert "h1" in await found.locator.inner_html()
    # Persisted at once: a learned row, and the shipped candidates' failures.
    async with db.session() as session:
        rows = {
            r.candidate: r
            for r in (
                await session.execute(select(SelectorStat).where(SelectorStat.key == "profile.top_card"))
            ).scalars()
        }
    assert rows[learned].learned
    assert rows[learned].successes == 1
    assert rows["section.pv-top-card"].failures == 1
    assert not rows["section.pv-top-card"].learned

    # A new engine over the same database tries the learned candidate first and hits it.
    fresh = SelectorEngine(await SelectorScores.load(db))
    assert fresh.scores.order("profile.top_card", fresh.spec("profile.top_card").candidates)[0] == learned
    again = await top_card_of(live, fresh, live.cast("today", degree=1)[1].slug)
    assert again is not None
    assert (again.via, again.candidate, again.learned) == (Via.LEARNED, learned, False)
    await fresh.flush()
    async with db.session() as session:
        row = (
            await session.execute(select(SelectorStat).where(SelectorStat.candidate == learned))
        ).scalar_one()
    assert row.successes == 2


@site("en", "hashed")
async def test_learned_button_candidates_stay_guarded_by_name(live: Live) -> None:
    """A learned class-based Message button must not match a Connect button with the same classes."""
    site, page, selectors = live.site, live.page, live.selectors
    await page.goto(f"{site.url}/mynetwork/catch-up/birthday/")
    main = await selectors.require("page.main", page)
    cards = await selectors.require("birthday.card", main.locator)
    first_degree = cards.locator.filter(has=page.locator(f"a[href*='/in/{live.cast('today', 1)[0].slug}/']"))
    trap = live.cast("connect-trap", degree=2)[0]
    second_degree = cards.locator.filter(has=page.locator(f"a[href*='/in/{trap.slug}/']"))
    hit = await selectors.require("birthday.card.message_button", first_degree)
    # aria-label candidates are class-free, so hashed markup still finds it without the heuristic
    assert hit.via is Via.CANDIDATE
    learned = "button" + "".join("." + c for c in (await hit.locator.get_attribute("class") or "").split())
    selectors.scores.learn("birthday.card.message_button", learned)
    order = selectors.scores.order("birthday.card.message_button", ())
    assert order == [learned]
    # The learned selector matches the Connect button's classes too, but the name guard refuses it.
    assert await second_degree.locator(learned).count() == 1
    assert await selectors.resolve("birthday.card.message_button", second_degree) is None
    connect = await selectors.require("birthday.card.connect_button", second_degree)
    assert (await connect.locator.inner_text()).strip() == "Connect"


@site("en", "classic")
async def test_scoped_pick_first_and_last_and_waiting(live: Live) -> None:
    site, page = live.site, live.page
    selectors = SelectorEngine()
    await page.goto(f"{site.url}/mynetwork/catch-up/birthday/")
    main = await selectors.require("page.main", page)
    all_cards = await selectors.require("birthday.card", main.locator, pick="all")
    first = await selectors.require("birthday.card", main.locator, pick="first")
    last = await selectors.require("birthday.card", main.locator, pick="last")
    assert all_cards.count >= 2
    assert await first.locator.inner_text() == await all_cards.locator.nth(0).inner_text()
    assert await last.locator.inner_text() == await all_cards.locator.nth(all_cards.count - 1).inner_text()
    # Nothing page-wide: a card's name link is looked up inside that card only.
    name = await selectors.require("birthday.card.name_link", last.locator)
    assert await name.locator.count() == 1
    # Absent elements: None, or SelectorNotFound when required; a wait that times out is None too.
    assert await selectors.resolve("message.dialog", page) is None
    assert await selectors.resolve("message.dialog", page, timeout_ms=200) is None
    with pytest.raises(SelectorNotFound, match=r"element not found: message\.dialog"):
        await selectors.require("message.dialog", page)
    with pytest.raises(KeyError, match="unknown selector key"):
        selectors.spec("no.such.key")
    # A dialog that appears after a click is waited for, not slept for.
    friend = next(p for p in site.state.world.people if p.role == "today" and p.degree == 1)
    card = all_cards.locator.filter(has=page.locator(f"a[href*='/in/{friend.slug}/']"))
    button = await selectors.require("birthday.card.message_button", card)
    await button.locator.click()
    dialog = await selectors.resolve("message.dialog", page, timeout_ms=4000)
    assert dialog is not None
    textbox = await selectors.require("message.textbox", dialog.locator, pick="last")
    assert await textbox.locator.get_attribute("contenteditable") == "true"


@pytest.mark.parametrize("sandbox", GENERATIONS, indirect=True)
async def test_health_check_reports_every_key(live: Live) -> None:
    site, page = live.site, live.page
    markup = site.state.config.markup
    selectors = SelectorEngine()
    report = await check_selectors(page, selectors, site.url, timeout_ms=4000)
    assert report.page_errors == {}
    assert report.missing_required == ()
    assert report.ok
    by_key = {k.key: k for k in report.keys}
    assert set(by_key) == set(selectors.catalog)
    if markup == "classic":
        assert by_key["profile.top_card"].status is KeyStatus.CANDIDATE
        assert by_key["profile.top_card"].candidate == "section.pv-top-card"
    else:
        assert by_key["profile.top_card"].status is KeyStatus.HEURISTIC
        assert by_key["message.thread_item"].status in (KeyStatus.HEURISTIC, KeyStatus.MISSING)
    # Nothing was sent or withdrawn while checking.
    assert site.state.record.messages == []
    assert site.state.record.withdrawals == []


@site("en", "classic")
async def test_health_check_reports_unreachable_pages(live: Live) -> None:
    site, page = live.site, live.page
    site.state.faults.http_500 = 100
    report = await check_selectors(page, SelectorEngine(), site.url, timeout_ms=500)
    assert not report.ok
    assert set(report.page_errors) >= {"feed", "birthday", "profile", "search", "invitations"}
    assert "HTTP 500" in report.page_errors["feed"]
    assert "birthday.card" in report.missing_required
