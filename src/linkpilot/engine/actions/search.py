"""People search: profile links from the result containers only, and the next page."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from playwright.async_api import Locator

from linkpilot.common.urls import normalize_profile_url
from linkpilot.engine.actions.base import ActionContext, clean, goto, slug_of, text_of
from linkpilot.engine.actions.outcomes import SearchPage, SearchResult

SEARCH_PATH = "/search/results/people/"


def search_url(params: dict[str, str], page: int = 1) -> str:
    query = {**params, "origin": params.get("origin", "FACETED_SEARCH"), "page": str(page)}
    return f"{SEARCH_PATH}?{urlencode(query)}"


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


async def _result_name(link: Locator) -> str:
    # The title link holds the name for sight and "View X's profile" for screen readers.
    visible = link.locator("span[aria-hidden='true']")
    if await visible.count():
        return await text_of(visible.first)
    return clean((await link.inner_text()).splitlines()[0] if await link.inner_text() else "")


async def read_results(ctx: ActionContext) -> tuple[SearchResult, ...]:
    main = await ctx.selectors.resolve("page.main", ctx.page)
    if main is None:
        return ()
    listing = await ctx.selectors.resolve("search.results_list", main.locator)
    if listing is None:
        return ()
    results = await ctx.selectors.resolve("search.result", listing.locator, pick="all")
    if results is None:
        return ()
    found: list[SearchResult] = []
    seen: set[str] = set()
    for index in range(results.count):
        link = await ctx.selectors.resolve("search.result.link", results.locator.nth(index), pick="last")
        if link is None:
            continue
        slug = slug_of(await link.locator.get_attribute("href"))
        if slug is None or slug in seen:
            continue
        seen.add(slug)
        found.append(
            SearchResult(slug, normalize_profile_url(f"/in/{slug}/"), await _result_name(link.locator))
        )
    return tuple(found)


async def has_next_page(ctx: ActionContext) -> bool:
    main = await ctx.selectors.resolve("page.main", ctx.page)
    if main is None:
        return False
    button = await ctx.selectors.resolve("search.next", main.locator)
    return button is not None and await button.locator.is_enabled()


async def read_search_page(ctx: ActionContext, url: str) -> SearchPage:
    """Open a people-search URL (path and query) and read its results and paging."""
    navigation = await goto(ctx, url)
    number = page_number(url)
    if not navigation.ok:
        return SearchPage(navigation, number)
    results = await read_results(ctx)
    more = await has_next_page(ctx)
    await ctx.selectors.flush()
    return SearchPage(navigation, number, results, more, with_page(url, number + 1) if more else None)
