"""People search: profile links from the result containers only, read by meaning, and the next page."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from playwright.async_api import Locator

from linkpilot.common.urls import normalize_profile_url
from linkpilot.engine.actions.base import ActionContext, goto
from linkpilot.engine.actions.batch import CardReading, identity_of
from linkpilot.engine.actions.cards import card_identity, listed_slugs, slugs_in
from linkpilot.engine.actions.lists import ItemReader, load_all, next_page_control, read_items
from linkpilot.engine.actions.outcomes import SearchPage, SearchResult, UnreadItem


def page_number(url: str) -> int:
    for key, value in parse_qsl(urlsplit(url).query):
        if key == "page" and value.isdigit():
            return max(1, int(value))
    return 1


def with_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    query.append(("page", str(page)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


async def read_result(ctx: ActionContext, result: Locator) -> SearchResult | UnreadItem:
    identity = await card_identity(ctx, result, "search.result.link")
    if identity is None:
        slugs = await slugs_in(result)
        return UnreadItem(next(iter(slugs)) if len(slugs) == 1 else None, None, ("search.result.link",))
    return SearchResult(identity.slug, normalize_profile_url(f"/in/{identity.slug}/"), identity.name)


def quick_result(reading: CardReading) -> SearchResult | None:
    who = identity_of(reading, "search.result.link")
    if who is None:
        return None
    return SearchResult(who[0], normalize_profile_url(f"/in/{who[0]}/"), who[1])


RESULTS = ItemReader(("search.result.link",), quick_result, read_result, lambda result: result.slug)


async def read_results(
    ctx: ActionContext, main: Locator, enough: int | None = None
) -> tuple[list[SearchResult], list[UnreadItem]]:
    """Results from the result containers only (never an ad, a suggestion or the sidebar), every
    one of them when the list loads more as it scrolls or behind a "Show more"."""
    found: list[SearchResult] = []
    unread: list[UnreadItem] = []
    listing = await ctx.selectors.resolve("search.results_list", main)
    results = (
        await ctx.selectors.resolve("search.result", listing.locator, pick="all")
        if listing is not None
        else None
    )
    accounted: set[str] = set()
    if results is not None:
        await load_all(ctx, main, results.locator, enough=enough)
        seen: set[str] = set()
        for item, result in await read_items(ctx, results.locator, RESULTS):
            if isinstance(result, UnreadItem):
                accounted |= await slugs_in(item)
                unread.append(result)
                continue
            accounted.add(result.slug)
            if result.slug not in seen:
                seen.add(result.slug)
                found.append(result)
    # A profile the page lists outside every result we could read is a result we cannot see
    # (unless we stopped loading early: the rest of the list is then not ours to judge).
    if enough is None:
        strays = await listed_slugs(main) - accounted
        unread += [UnreadItem(s, None, ("search.result",)) for s in sorted(strays)]
    return found, unread


async def read_search_page(ctx: ActionContext, url: str, *, enough: int | None = None) -> SearchPage:
    """Open a people-search URL (path and query) and read its results and paging: every result
    it shows, or (with `enough`) at least that many when the page loads more as it scrolls."""
    navigation = await goto(ctx, url)
    number = page_number(url)
    if not navigation.ok:
        return SearchPage(navigation, number)
    main = await ctx.selectors.resolve("page.main", ctx.page)
    if main is None:
        return SearchPage(navigation, number, unread=(UnreadItem(None, None, ("page.main",)),))
    results, unread = await read_results(ctx, main.locator, enough)
    more = await next_page_control(ctx, main.locator) is not None
    await ctx.selectors.flush()
    return SearchPage(
        navigation,
        number,
        tuple(results),
        more,
        with_page(url, number + 1) if more else None,
        tuple(unread),
    )
