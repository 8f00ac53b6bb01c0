"""Every fact still reads when its class-based candidates go, one after the other.

Driven by the candidate data: for each key, its candidates that lean on the markup (a class,
an id, a data-* hook) are taken out of the catalogue one by one, cumulatively, and the page is
read again each time by the same code the campaigns use. What it reads must not change: the
fact is then found by a later candidate, a heuristic layer (roles, names, links, structure,
recognised text) or the reading by meaning in the actions, never lost, never different.

One practice site (English, classic markup, where the class candidates all match) serves the
whole module; each page is opened once and its reading with the full catalogue is the
reference.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Locator, Page

from linkpilot.common.clock import FrozenClock
from linkpilot.engine.actions import birthday, invitations, messaging, profile, search
from linkpilot.engine.actions.base import ActionContext
from linkpilot.engine.actions.lists import list_view, next_page_control
from linkpilot.engine.actions.messaging import Entry, MessageTarget
from linkpilot.engine.browser import BrowserSession
from linkpilot.engine.page_state import load_markers, parse_markers, probe
from linkpilot.engine.selectors import SelectorEngine, shipped_catalog
from linkpilot.engine.selectors.catalog import KeySpec, without_candidates
from linkpilot.sandbox import RunningSandbox
from tests.engine.conftest import sandbox_cookie
from tests.engine.livesite import TEST_TIMEOUTS
from tests.practice_site import SAFE_INSTANT, people_search_path, start_site

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]

CATALOG = shipped_catalog()
# The practice site never shows a "Show more" in its classic markup (its lists scroll): that
# key's heuristic is exercised by the mutated layouts that load a list behind the button.
NEVER_ON_CLASSIC = {"list.show_more"}


def removal_steps() -> list[Any]:
    steps = []
    for key, spec in CATALOG.items():
        if key in NEVER_ON_CLASSIC:
            continue
        hooks = spec.markup_candidates
        for count in range(1, len(hooks) + 1):
            steps.append(pytest.param(key, hooks[:count], id=f"{key}-without-{count}"))
    return steps


STEPS = removal_steps()


@dataclass
class Classic:
    site: RunningSandbox
    page: Page
    shown: str = ""  # which page state the browser shows now
    reference: dict[str, Any] = field(default_factory=dict)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def classic(sandbox_port: int, _session_browser: list[BrowserSession]) -> AsyncIterator[Classic]:
    site = await start_site(clock=FrozenClock(SAFE_INSTANT), port=sandbox_port, seed=7, language="en")
    browser = _session_browser[0]
    try:
        await browser.use_cookies([sandbox_cookie(site.state.current_token)])
        yield Classic(site, await browser.page())
    finally:
        await site.stop()


def context(classic: Classic, catalog: dict[str, KeySpec] | None = None) -> ActionContext:
    selectors = SelectorEngine(catalog=catalog or dict(CATALOG))
    return ActionContext(classic.page, selectors, classic.site.url, timeouts=TEST_TIMEOUTS)


async def same_element(a: Locator | None, b: Locator | None) -> bool:
    if a is None or b is None:
        return a is b
    handle = await b.element_handle()
    return bool(await a.evaluate("(x, y) => x === y", handle))


# Each page: how to show it, and what reading it gives (with a given selector catalogue).
Reader = Callable[[ActionContext, Classic], Awaitable[Any]]


async def show(classic: Classic, state: str) -> None:
    if classic.shown == state:
        return
    ctx = context(classic)
    world = classic.site.state.world
    await messaging.close_all_dialogs(ctx)
    if state in ("birthday", "dialog"):
        listing = await birthday.read_birthday_page(ctx)
        assert listing.navigation.ok
        assert not listing.unread
    if state == "dialog":
        wished = next(p for p in world.people if p.role == "already-wished")
        opened = await messaging.open_dialog(
            ctx, MessageTarget(wished.slug, wished.full_name, Entry.BIRTHDAY)
        )
        assert opened.dialog is not None, opened.detail
    if state == "feed":
        await classic.page.goto(f"{classic.site.url}/feed/")
    if state == "profile":
        person = next(p for p in world.people if p.open_to_work and p.degree == 1 and len(p.experience) > 1)
        assert (await profile.open_profile(ctx, person.slug, person.full_name)).ok
    if state == "search":
        await classic.page.goto(f"{classic.site.url}{people_search_path()}")
    if state in ("invitations", "withdraw_dialog"):
        assert (await invitations.read_sent_invitations(ctx)).navigation.ok
    if state == "withdraw_dialog":
        card = await invitations.find_card(ctx, world.invitations[0].slug)
        assert card[1] is not None
        button = await ctx.selectors.require("invitation.withdraw", card[1])
        await button.locator.click()
        assert await ctx.selectors.resolve("invitation.dialog", ctx.page, timeout_ms=4000) is not None
    classic.shown = state


def birthday_cards_to_read(classic: Classic) -> list[str]:
    """A card of every kind: 1st degree today, Connect, Follow, a homonym, Thierry, late."""
    roles = ["today", "connect-trap", "follow-trap", "homonym", "thierry", "late", "already-wished"]
    people = classic.site.state.world.people
    return [next(p.slug for p in people if p.role == role) for role in roles]


async def read_birthday(ctx: ActionContext, classic: Classic) -> Any:
    view = await list_view(ctx, "birthday.card")
    assert view.items is not None
    out = []
    for slug in birthday_cards_to_read(classic):
        card = view.items.filter(has=ctx.page.locator(f"a[href*='/in/{slug}/']")).first
        out.append(await birthday.read_card(ctx, card))
    return out


async def read_dialog(ctx: ActionContext, classic: Classic) -> Any:
    wished = next(p for p in classic.site.state.world.people if p.role == "already-wished")
    dialog = await messaging.newest_dialog(ctx)
    assert dialog is not None
    parts = []
    for key in ("message.textbox", "message.send", "message.close"):
        found = await ctx.selectors.resolve(key, dialog)
        parts.append(found.locator if found is not None else None)
    ctx.thread_css = None
    return (
        await messaging.recipient(ctx, dialog),
        await messaging.read_thread(ctx, dialog, wished.full_name),
        parts,
    )


async def read_profile(ctx: ActionContext, classic: Classic) -> Any:
    person = next(
        p
        for p in classic.site.state.world.people
        if p.open_to_work and p.degree == 1 and len(p.experience) > 1
    )
    card = await profile.top_card(ctx)
    assert card is not None
    message = await ctx.selectors.resolve("profile.message_button", card)
    return (
        await profile.shown_name(ctx, card),
        await profile.extract_profile(ctx, person.slug, person.full_name),
        message.locator if message is not None else None,
    )


async def read_search(ctx: ActionContext, classic: Classic) -> Any:
    main = await ctx.selectors.require("page.main", ctx.page)
    results = await search.read_results(ctx, main.locator)
    control = await next_page_control(ctx, main.locator)
    previous = await ctx.selectors.resolve("list.previous", main.locator)
    return results, control, previous.locator if previous is not None else None


async def read_invitations(ctx: ActionContext, classic: Classic) -> Any:
    view = await list_view(ctx, "invitation.card")
    assert view.items is not None
    return [await invitations.read_card(ctx, view.items.nth(i)) for i in range(await view.items.count())]


async def read_withdraw_dialog(ctx: ActionContext, classic: Classic) -> Any:
    dialog = await ctx.selectors.require("invitation.dialog", ctx.page)
    parts: list[Locator | None] = [dialog.locator]
    for key in ("invitation.confirm", "invitation.cancel"):
        found = await ctx.selectors.resolve(key, dialog.locator)
        parts.append(found.locator if found is not None else None)
    return parts


async def read_feed(ctx: ActionContext, classic: Classic) -> Any:
    facts = await probe(ctx.page)
    main = await ctx.selectors.resolve("page.main", ctx.page)
    nav = await ctx.selectors.resolve("nav.global", ctx.page)
    return facts.logged_in(), main.locator if main else None, nav.locator if nav else None


READERS: dict[str, Reader] = {
    "feed": read_feed,
    "birthday": read_birthday,
    "dialog": read_dialog,
    "profile": read_profile,
    "search": read_search,
    "invitations": read_invitations,
    "withdraw_dialog": read_withdraw_dialog,
}


async def equal(a: Any, b: Any) -> bool:
    """Readings compare as values, with located elements compared as the same DOM node."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all([await equal(x, y) for x, y in zip(a, b, strict=True)])
    if isinstance(a, Locator) or isinstance(b, Locator):
        return isinstance(a, Locator) and isinstance(b, Locator) and await same_element(a, b)
    return bool(a == b)


@pytest.mark.parametrize(("key", "dropped"), STEPS)
async def test_a_fact_reads_the_same_without_its_class_candidates(
    classic: Classic, key: str, dropped: tuple[str, ...]
) -> None:
    state = CATALOG[key].page
    reader = READERS[state]
    await show(classic, state)
    if state not in classic.reference:
        classic.reference[state] = await reader(context(classic), classic)
    reference = classic.reference[state]
    without = without_candidates(CATALOG, key, set(dropped))
    reading = await reader(context(classic, without), classic)
    assert await equal(reading, reference), f"{key} without {dropped}: {reading!r} != {reference!r}"


async def test_logged_in_without_any_marker_selector(classic: Classic) -> None:
    """The logged-in markers are class and id names too: each one gone, then all, it still
    shows as logged in (the navigation landmark with the member's menu)."""
    await show(classic, "feed")
    shipped = load_markers()
    data = {"logged_in": list(shipped.logged_in), "me_menu": {"en": ["Me"]}, "states": []}
    for count in range(len(shipped.logged_in) + 1):
        markers = parse_markers({**data, "logged_in": list(shipped.logged_in[count:])})
        facts = await probe(classic.page, markers)
        assert facts.logged_in(), count
    assert facts.signed_in is not None
