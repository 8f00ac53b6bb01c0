"""Long lists, read to the end whatever their loading style: detected, never configured.

LinkedIn loads more of a list as you scroll (birthdays), behind a "Show more" / "Afficher
plus" button, or splits it into numbered pages (search results, sometimes invitations), and
moves a page from one style to another without notice. Every list is loaded the same way:
click the list's own "Show more" while there is one, else scroll to the end and wait (through
Playwright, never a sleep) for new items, until a few passes in a row bring nothing; then,
when the page has a next page, walk to it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import urljoin

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, expect
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from linkpilot.engine.actions.base import ActionContext, current_path, goto
from linkpilot.engine.actions.batch import CardReading, known_keys, read_cards
from linkpilot.engine.actions.cards import listed_slugs, slugs_in
from linkpilot.engine.actions.outcomes import Navigation, NavStatus, UnreadItem
from linkpilot.engine.pacing import Pause
from linkpilot.engine.selectors.engine import evaluate_one

Item = TypeVar("Item")

# Stop scrolling after this many passes in a row that bring no new item.
IDLE_PASSES = 3
# A list that loads more on scroll asks the server within this time of the scroll (the page's
# scroll or intersection handler runs in the next frames): a pass that saw no request end there.
QUIET_MS = 500
# A list longer than this many pages is not one a person would page through: stop there, and
# say so (the rest of the list was not read).
MAX_PAGES = 100
# How long a control found a moment ago may take to answer a question about its state.
STATE_MS = 1_000

# True inside a card: a "See more" that opens a long headline is not the list's button.
IN_ITEM_JS = "(el) => Boolean(el.closest('li, [role=listitem]'))"
# The number of the page shown, from the pagination's aria-current mark; null without one.
CURRENT_PAGE_JS = """(root) => {
  for (const el of root.querySelectorAll("[aria-current]")) {
    if (el.getAttribute("aria-current") === "false") { continue; }
    const text = (el.textContent || "").replace(/\\s+/g, " ").trim();
    const number = text.match(/^(?:page\\s+)?(\\d{1,3})$/i);
    if (number) { return Number(number[1]); }
  }
  return null;
}"""
# What changes when another page of the list is shown: the address or the first person listed.
FINGERPRINT_JS = """() => {
  const main = document.querySelector("main, [role=main]") || document.body;
  const first = main.querySelector("a[href*='/in/']");
  return location.href + " " + (first ? first.getAttribute("href") : "");
}"""
CHANGED_JS = f"(before) => ({FINGERPRINT_JS})() !== before"


@dataclass(frozen=True)
class ListView:
    """The list on the page shown now: its main region and every item loaded so far."""

    navigation: Navigation
    main: Locator | None
    items: Locator | None


async def list_view(ctx: ActionContext, item_key: str) -> ListView:
    navigation = Navigation(NavStatus.OK, ctx.page.url)
    main = await ctx.selectors.resolve("page.main", ctx.page)
    if main is None:
        return ListView(navigation, None, None)
    found = await ctx.selectors.resolve(item_key, main.locator, pick="all")
    return ListView(navigation, main.locator, found.locator if found is not None else None)


async def open_list(ctx: ActionContext, path: str, item_key: str) -> ListView:
    navigation = await goto(ctx, path)
    if not navigation.ok:
        return ListView(navigation, None, None)
    view = await list_view(ctx, item_key)
    return ListView(navigation, view.main, view.items)


async def show_more_button(ctx: ActionContext, main: Locator) -> Locator | None:
    found = await ctx.selectors.resolve("list.show_more", main, pick="last")
    if found is None:
        return None
    button = found.locator
    try:
        if await evaluate_one(button, IN_ITEM_JS) or not await button.is_enabled(timeout=STATE_MS):
            return None
    except PlaywrightError:
        return None  # gone while we looked: nothing more to show
    return button


async def _grew(items: Locator, before: int, timeout_ms: float) -> bool:
    try:
        await expect(items).not_to_have_count(before, timeout=timeout_ms)
    except AssertionError:
        return False
    return True


class Loader:
    """Loads one page of a list pass by pass.

    Each pass clicks the list's "Show more" when it has one, else scrolls past the last item,
    then waits for new items. A list that had a "Show more" is complete once the button is
    gone; a scrolled one once IDLE_PASSES passes in a row bring nothing.
    """

    def __init__(self, ctx: ActionContext, main: Locator, items: Locator) -> None:
        self.ctx = ctx
        self.main = main
        self.items = items
        self.passes = 0
        self.idle = 0
        self.clicked = False
        # The last pass brought nothing and the page asked the site for nothing.
        self.unseen = False

    async def step(self) -> bool:
        """One more pass; False once the list is complete (nothing was done then)."""
        ctx = self.ctx
        if self.idle >= IDLE_PASSES:
            return False
        button = await show_more_button(ctx, self.main)
        if button is None and self.clicked:
            self.idle = IDLE_PASSES
            return False
        if not self.unseen:
            # A person's pause between two scrolls spaces the requests the site sees. After a pass
            # the site never heard of, the pause before it already stands between its last
            # request and the next one: waiting again would show nobody anything.
            await ctx.pacing.pause(Pause.SCROLL)
        self.unseen = False
        self.passes += 1
        before = await self.items.count()
        if button is not None:
            self.clicked = True
            await button.click(timeout=ctx.timeouts.element_ms)
            grew = await _grew(self.items, before, ctx.timeouts.element_ms)
        else:
            requests = ctx.requests()
            asked = requests.started
            if before:
                with contextlib.suppress(PlaywrightError):  # re-rendered under us: End still scrolls
                    await self.items.nth(before - 1).scroll_into_view_if_needed(timeout=STATE_MS)
            await ctx.page.keyboard.press("PageDown")
            await ctx.page.keyboard.press("End")
            quiet = min(QUIET_MS, ctx.timeouts.scroll_ms)
            grew = await _grew(self.items, before, quiet)
            if not grew and requests.started == asked:
                # The end of the list came into view and the page asked for nothing more: an idle
                # pass, and a short one (a page slow to ask is caught by the next pass).
                self.idle += 1
                self.unseen = True
                return True
            if not grew:
                grew = await _grew(self.items, before, ctx.timeouts.scroll_ms - quiet)
        self.idle = 0 if grew else self.idle + 1
        return True


async def is_paged(ctx: ActionContext, main: Locator) -> bool:
    """A list split into numbered pages: it loads no more on its page, it has other pages."""
    if await next_page_control(ctx, main) is not None or await page_number(main) is not None:
        return True
    return await ctx.selectors.resolve("list.previous", main) is not None


async def load_all(ctx: ActionContext, main: Locator, items: Locator, *, enough: int | None = None) -> int:
    """Load the whole list (this page of it, when it has numbered pages), or at least `enough`
    items when that is all the caller needs; returns the passes made."""
    if await is_paged(ctx, main):
        return 0
    loader = Loader(ctx, main, items)
    while await loader.step():
        if enough is not None and await items.count() >= enough:
            break
    return loader.passes


async def next_page_control(ctx: ActionContext, main: Locator) -> Locator | None:
    """The control that shows the next page of the list, or None on the last (or only) page."""
    found = await ctx.selectors.resolve("list.next", main)
    control = found.locator if found is not None else await _next_number(main)
    if control is None:
        return None
    try:
        disabled = (
            await control.is_disabled(timeout=STATE_MS)
            or await control.get_attribute("aria-disabled", timeout=STATE_MS) == "true"
        )
    except PlaywrightError:
        return None
    return None if disabled else control


async def _next_number(main: Locator) -> Locator | None:
    """Pagination without a "Next": the control numbered one more than the current page."""
    current = await evaluate_one(main, CURRENT_PAGE_JS)
    if current is None:
        return None
    name = re.compile(rf"^(page\s+)?{int(current) + 1}$", re.IGNORECASE)
    for role in ("button", "link"):
        control = main.get_by_role(role, name=name).filter(visible=True)
        if await control.count():
            return control.first
    return None


async def page_number(main: Locator) -> int | None:
    value = await evaluate_one(main, CURRENT_PAGE_JS)
    return int(value) if value is not None else None


async def go_to_next_page(ctx: ActionContext, control: Locator) -> Navigation | None:
    """Show the next page: follow the control's link, or click it and wait for the list to change.

    Returns how it went, or None when the page did not change (a pager that does nothing).
    """
    href = await control.get_attribute("href")
    await ctx.pacing.pause(Pause.STEP)
    if href and not href.startswith(("#", "javascript:")):
        return await goto(ctx, urljoin(ctx.page.url, href))
    before = await ctx.page.evaluate(FINGERPRINT_JS)
    await control.click(timeout=ctx.timeouts.element_ms)
    try:
        await ctx.page.wait_for_function(CHANGED_JS, arg=before, timeout=ctx.timeouts.navigation_ms)
    except PlaywrightTimeoutError:
        return None
    except PlaywrightError:
        pass  # the click navigated while we watched: the new page is checked below
    try:
        await ctx.page.wait_for_load_state("load", timeout=ctx.timeouts.navigation_ms)
    except PlaywrightTimeoutError:
        return None
    return Navigation(NavStatus.OK, ctx.page.url)


ReadItem = Callable[[ActionContext, Locator], Awaitable[Item | UnreadItem]]


@dataclass(frozen=True)
class ItemReader(Generic[Item]):
    """How a list's items are read: `quick` from the batch reading of `keys` (None when that
    does not fully explain the item), else `read`, key by key; `slug` says whose it is."""

    keys: tuple[str, ...]
    quick: Callable[[CardReading], Item | None]
    read: ReadItem[Item]
    slug: Callable[[Item], str]


async def read_items(
    ctx: ActionContext, items: Locator, reader: ItemReader[Item]
) -> list[tuple[Locator, Item | UnreadItem]]:
    """Every loaded item: the first key by key (it finds, scores and learns the candidates),
    the others in one round trip through them, each that does not fully read key by key.

    The first item may not show every key (a birthday card with Connect has no Message button):
    once an item read key by key has taught a key the batch lacked, the rest are read again in
    one round trip, instead of every later item the slow way."""
    count = await items.count()
    out: list[tuple[Locator, Item | UnreadItem]] = []
    readings = None
    batched: frozenset[str] | None = None  # the keys the batch reading knew
    for index in range(count):
        card = items.nth(index)
        quick = None
        known = known_keys(ctx, reader.keys) if index >= 1 else None
        if known is not None and (batched is None or known > batched):
            batched = known
            readings = await read_cards(ctx, items, reader.keys)
            if readings is not None and len(readings) != count:
                readings = None  # the list moved between two calls: item by item
        if readings is not None:
            quick = reader.quick(readings[index])
        out.append((card, quick if quick is not None else await reader.read(ctx, card)))
    return out


@dataclass
class ListRead(Generic[Item]):
    """Everything a list showed, page after page: the items read, and those that could not be."""

    navigation: Navigation
    items: list[Item] = field(default_factory=list)
    unread: list[UnreadItem] = field(default_factory=list)
    passes: int = 0
    pages: int = 0


async def read_list(ctx: ActionContext, path: str, item_key: str, reader: ItemReader[Item]) -> ListRead[Item]:
    """Open the list at `path`, load every item of every page and read each one.

    Items that do not read fully are reported, as are profile links the page lists that no item
    accounts for: a card the engine cannot even see is the loudest kind of drift.
    """
    view = await open_list(ctx, path, item_key)
    out: ListRead[Item] = ListRead(view.navigation)
    if not view.navigation.ok:
        return out
    seen: set[str] = set()
    while True:
        out.pages += 1
        if view.main is None:
            out.unread.append(UnreadItem(None, None, ("page.main",)))
            return out
        accounted: set[str] = set()
        if view.items is not None:
            out.passes += await load_all(ctx, view.main, view.items)
            for card, result in await read_items(ctx, view.items, reader):
                if isinstance(result, UnreadItem):
                    accounted |= await slugs_in(card)
                    out.unread.append(result)
                    continue
                whose = reader.slug(result)
                accounted.add(whose)
                if whose not in seen:
                    seen.add(whose)
                    out.items.append(result)
        for stray in sorted(await listed_slugs(view.main) - accounted):
            out.unread.append(UnreadItem(stray, None, (item_key,)))
        control = await next_page_control(ctx, view.main)
        if control is None:
            return out
        if out.pages >= MAX_PAGES:
            out.unread.append(UnreadItem(None, None, ("list.next",)))
            return out
        moved = await go_to_next_page(ctx, control)
        if moved is None:
            out.unread.append(UnreadItem(None, None, ("list.next",)))
            return out
        if not moved.ok:
            out.navigation = moved
            return out
        view = await list_view(ctx, item_key)


async def find_item(
    ctx: ActionContext, path: str, item_key: str, match: Callable[[Locator], Locator]
) -> tuple[Navigation, Locator | None]:
    """The item `match` picks out of the list at `path`, loading and paging until it shows up.

    The list already shown is searched first (no reload between two people); a list with
    numbered pages is then walked from its first page.
    """
    fresh = current_path(ctx.page) != path
    view = await open_list(ctx, path, item_key) if fresh else await list_view(ctx, item_key)
    navigation = view.navigation
    if not navigation.ok:
        return navigation, None
    pages = 0
    while view.main is not None:
        pages += 1
        found = match(view.items) if view.items is not None else None
        if found is not None and await found.count():
            return navigation, found.first  # already loaded: the usual case, one query
        paged = await is_paged(ctx, view.main)
        if found is not None and view.items is not None and not paged:
            loader = Loader(ctx, view.main, view.items)
            while await loader.step():
                if await found.count():
                    return navigation, found.first
        control = await next_page_control(ctx, view.main) if paged else None
        if control is not None and pages < MAX_PAGES:
            moved = await go_to_next_page(ctx, control)
            if moved is None or not moved.ok:
                return moved or navigation, None
            view = await list_view(ctx, item_key)
            continue
        if fresh or not paged:
            break
        # Shown from the middle of a paged list: walk it again from the first page.
        fresh = True
        pages = 0
        view = await open_list(ctx, path, item_key)
        if not view.navigation.ok:
            return view.navigation, None
    return navigation, None
