"""The birthday page: load every card by scrolling, read them, find one by profile slug."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.async_api import Locator, expect

from linkpilot.engine.actions.base import (
    BIRTHDAY_PATH,
    ActionContext,
    current_path,
    goto,
    slug_of,
    text_of,
)
from linkpilot.engine.actions.outcomes import BirthdayCard, BirthdayPage, Navigation, NavStatus
from linkpilot.engine.pacing import Pause

# Stop scrolling after this many passes in a row that bring no new card.
IDLE_PASSES = 3


@dataclass(frozen=True)
class CardList:
    navigation: Navigation
    cards: Locator | None  # every card loaded so far


async def card_list(ctx: ActionContext, *, reload: bool = False) -> CardList:
    """The birthday page's cards, opening the page unless it is already the current one."""
    if reload or current_path(ctx.page) != BIRTHDAY_PATH:
        navigation = await goto(ctx, BIRTHDAY_PATH)
        if not navigation.ok:
            return CardList(navigation, None)
    else:
        navigation = Navigation(NavStatus.OK, ctx.page.url)
    main = await ctx.selectors.resolve("page.main", ctx.page)
    if main is None:
        return CardList(navigation, None)
    found = await ctx.selectors.resolve("birthday.card", main.locator, pick="all")
    return CardList(navigation, found.locator if found is not None else None)


async def load_more(ctx: ActionContext, cards: Locator) -> bool:
    """Scroll past the last card and wait (in Playwright, not a sleep) for the list to grow."""
    before = await cards.count()
    if before:
        await cards.nth(before - 1).scroll_into_view_if_needed()
    await ctx.page.keyboard.press("PageDown")
    await ctx.page.keyboard.press("End")
    try:
        await expect(cards).not_to_have_count(before, timeout=ctx.timeouts.scroll_ms)
    except AssertionError:
        return False
    return True


async def load_all(ctx: ActionContext, cards: Locator) -> int:
    """Scroll until IDLE_PASSES passes in a row bring nothing new; returns the passes made."""
    passes = idle = 0
    while idle < IDLE_PASSES:
        await ctx.pacing.pause(Pause.SCROLL)
        passes += 1
        idle = 0 if await load_more(ctx, cards) else idle + 1
    return passes


def by_slug(ctx: ActionContext, cards: Locator, slug: str) -> Locator:
    # The profile link, never the name: two cards may carry the same name (homonyms).
    return cards.filter(has=ctx.page.locator(f'a[href*="/in/{slug}/"]'))


async def find_card(ctx: ActionContext, slug: str) -> tuple[Navigation, Locator | None]:
    """The card whose profile link is /in/<slug>/, scrolling the list until it shows up."""
    listing = await card_list(ctx)
    if listing.cards is None:
        return listing.navigation, None
    cards = listing.cards
    idle = 0
    while True:
        match = by_slug(ctx, cards, slug)
        if await match.count():
            card = match.first
            return listing.navigation, card if await card_slug(ctx, card) == slug.lower() else None
        if idle >= IDLE_PASSES:
            return listing.navigation, None
        await ctx.pacing.pause(Pause.SCROLL)
        idle = 0 if await load_more(ctx, cards) else idle + 1


async def card_slug(ctx: ActionContext, card: Locator) -> str | None:
    link = await ctx.selectors.resolve("birthday.card.name_link", card)
    return slug_of(await link.locator.get_attribute("href")) if link is not None else None


async def read_card(ctx: ActionContext, card: Locator) -> BirthdayCard | None:
    link = await ctx.selectors.resolve("birthday.card.name_link", card)
    if link is None:
        return None
    slug = slug_of(await link.locator.get_attribute("href"))
    if slug is None:
        return None
    name = await text_of(link.locator)
    status = await ctx.selectors.resolve("birthday.card.status", card)
    status_text = await text_of(status.locator) if status is not None else ""
    date_attr = None
    if status is not None:
        times = status.locator.locator("xpath=descendant-or-self::time")
        if await times.count():
            date_attr = await times.first.get_attribute("datetime")
    message = await ctx.selectors.resolve("birthday.card.message_button", card)
    return BirthdayCard(name, slug, status_text, message is not None, date_attr)


async def read_birthday_page(ctx: ActionContext) -> BirthdayPage:
    """Open the birthday page, load every card and read them in page order."""
    listing = await card_list(ctx, reload=True)
    if listing.cards is None:
        return BirthdayPage(listing.navigation)
    passes = await load_all(ctx, listing.cards)
    cards: list[BirthdayCard] = []
    seen: set[str] = set()
    for index in range(await listing.cards.count()):
        card = await read_card(ctx, listing.cards.nth(index))
        if card is not None and card.slug not in seen:
            seen.add(card.slug)
            cards.append(card)
    await ctx.selectors.flush()
    return BirthdayPage(listing.navigation, tuple(cards), passes)
