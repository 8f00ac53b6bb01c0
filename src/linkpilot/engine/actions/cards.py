"""Who a card is about, read by meaning: its profile link and the name that link shows.

Whatever the markup, a LinkedIn card about a person links to `/in/<slug>/`: the name may sit
inside the link or the link inside the name, the photo may have a link of its own. A card is
only trusted when every profile link in it goes to the same person.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.async_api import Locator

from linkpilot.engine.actions.base import ActionContext, clean, slug_of
from linkpilot.engine.actions.outcomes import UnreadItem
from linkpilot.engine.selectors.engine import evaluate_one

PROFILE_LINKS = "a[href*='/in/']"

# The name a profile link shows. LinkedIn doubles texts for screen readers (an aria-hidden copy
# for sight, a visually hidden "View Marie's profile"): the sighted copy wins. Otherwise the
# first text of the link: a link around the name and the headline starts with the name.
LINK_NAME_FN = """function linkName(el) {
  const link = el.matches("a[href*='/in/']") ? el : el.querySelector("a[href*='/in/']");
  const href = link ? link.getAttribute("href") : null;
  const tidy = (text) => (text || "").replace(/\\s+/g, " ").trim();
  const sighted = el.querySelector("[aria-hidden=true]");
  if (sighted && tidy(sighted.textContent)) { return { href, name: tidy(sighted.textContent) }; }
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (tidy(node.textContent)) { return { href, name: tidy(node.textContent) }; }
  }
  return { href, name: "" };
}"""
LINK_NAME_JS = "(el) => {" + LINK_NAME_FN + " return linkName(el); }"

HREFS_JS = "(links) => links.map((a) => a.getAttribute('href'))"
# The exact date a status line or an age carries in a `time` element, when it has one.
DATETIME_JS = """(el) => {
  const time = el.matches("time[datetime]") ? el : el.querySelector("time[datetime]");
  return time ? time.getAttribute("datetime") : null;
}"""

# Profile links in a region that belong to what the page lists: not its chrome, not an ad (a
# block about one person labelled "Promoted" / "Sponsorisé"), not a dialog.
LISTED_HREFS_JS = """(root) => {
  const promoted = /^(promoted|sponsored|sponsoris\u00e9e?|promu)$/i;
  const labelled = (el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (promoted.test(n.textContent.trim())) { return true; }
    }
    return false;
  };
  const people = (el) => new Set(Array.from(el.querySelectorAll("a[href*='/in/']"), (a) => a.getAttribute("href"))).size;
  const advert = (a) => {
    for (let el = a.parentElement; el && el !== root; el = el.parentElement) {
      if (people(el) > 1) { return false; }
      if (labelled(el)) { return true; }
    }
    return false;
  };
  return Array.from(root.querySelectorAll("a[href*='/in/']"))
    .filter((a) => !a.closest("aside, nav, header, footer, [role=complementary], [role=navigation], "
                              + "[role=banner], [role=contentinfo], [role=dialog]"))
    .filter((a) => a.getClientRects().length > 0 && !advert(a))
    .map((a) => a.getAttribute("href"));
}"""


@dataclass(frozen=True)
class Identity:
    slug: str
    name: str


async def slugs_in(scope: Locator) -> set[str]:
    """Every profile slug linked from inside `scope`."""
    hrefs = await scope.locator(PROFILE_LINKS).evaluate_all(HREFS_JS)
    return {slug for slug in (slug_of(h) for h in hrefs) if slug is not None}


async def card_identity(ctx: ActionContext, card: Locator, name_key: str) -> Identity | None:
    """The one person `card` is about, or None when its links name nobody or several people."""
    found = await ctx.selectors.resolve(name_key, card)
    if found is None:
        return None
    shown = await evaluate_one(found.locator, LINK_NAME_JS)
    if shown is None:
        return None  # gone while we looked
    slug = slug_of(shown["href"])
    name = clean(shown["name"])
    if slug is None or not name:
        return None
    # A card whose links go to two people is not one person's card, whatever its name says.
    if await slugs_in(card) != {slug}:
        return None
    return Identity(slug, name)


async def listed_slugs(region: Locator) -> set[str]:
    """Profile slugs the region lists (its navigation, asides and dialogs left out)."""
    hrefs = await evaluate_one(region, LISTED_HREFS_JS) or []
    return {slug for slug in (slug_of(h) for h in hrefs) if slug is not None}


async def unread(card: Locator, identity: Identity | None, missing: list[str]) -> UnreadItem:
    """What an item that did not read fully is reported as: who it seems to be, what failed."""
    if identity is not None:
        return UnreadItem(identity.slug, identity.name, tuple(missing))
    slugs = await slugs_in(card)
    return UnreadItem(next(iter(slugs)) if len(slugs) == 1 else None, None, tuple(missing))


def by_slug(ctx: ActionContext, cards: Locator, slug: str) -> Locator:
    # The profile link, never the name: two cards may carry the same name (homonyms).
    return cards.filter(has=ctx.page.locator(f'a[href*="/in/{slug}/"]'))
