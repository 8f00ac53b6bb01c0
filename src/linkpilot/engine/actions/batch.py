"""Reading every item of a list page in one round trip, once the layout is known.

Reading a card key by key costs a handful of round trips; a list of dozens costs hundreds. Once
the selector engine has found (or learned) a plain CSS candidate for each of the card's keys,
all the cards of a page are read in one call with those candidates, and each card's reading
is checked in Python exactly as the engine checks a hit: visible, the guard's role and
accessible name for buttons, the text recogniser for status lines and ages, then the key's
pick. A card the quick reading does not fully explain is read the slow way, key by key (which
tries the other candidates and every layer, and learns), so the quick path can only ever
agree with the slow one or step aside.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator

from linkpilot.engine.actions.base import ActionContext, clean, slug_of
from linkpilot.engine.actions.cards import LINK_NAME_FN
from linkpilot.engine.selectors.catalog import KeySpec
from linkpilot.engine.selectors.texts import RECOGNISERS

# For each card, each key's candidate matches (visible ones), described as the checks need:
# text, role and accessible name (aria-labelledby, aria-label, else text), the profile link
# and the name it shows, the datetime of a `time` inside; and every profile link of the card.
READ_CARDS_JS = (
    "(cards, keys) => {"
    + LINK_NAME_FN
    + """
  const tidy = (t) => (t || "").replace(/\\s+/g, " ").trim();
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const roleOf = (el) => {
    const role = el.getAttribute("role");
    if (role) { return role.split(" ")[0]; }
    const tag = el.tagName.toLowerCase();
    if (tag === "button") { return "button"; }
    if (tag === "a" && el.hasAttribute("href")) { return "link"; }
    return null;
  };
  const nameOf = (el) => {
    const ids = el.getAttribute("aria-labelledby");
    if (ids) {
      return tidy(ids.split(/\\s+/).map((id) => { const ref = document.getElementById(id); return ref ? ref.textContent : ""; }).join(" "));
    }
    return tidy(el.getAttribute("aria-label")) || tidy(el.innerText);
  };
  const describe = (el) => {
    const time = el.matches("time[datetime]") ? el : el.querySelector("time[datetime]");
    const link = linkName(el);
    return {
      text: tidy(el.innerText), role: roleOf(el), name: nameOf(el),
      href: link.href, linkName: link.name, datetime: time ? time.getAttribute("datetime") : null,
    };
  };
  const select = (card, selector) => {
    if (!selector.startsWith("xpath=")) { return Array.from(card.querySelectorAll(selector)); }
    const found = document.evaluate(selector.slice(6), card, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    return Array.from({ length: found.snapshotLength }, (_, i) => found.snapshotItem(i)).filter((n) => n.nodeType === 1);
  };
  const inOrder = (a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1);
  return cards.map((card) => {
    const out = { hrefs: Array.from(card.querySelectorAll("a[href*='/in/']"), (a) => a.getAttribute("href")) };
    for (const [key, selectors] of Object.entries(keys)) {
      let found = [];
      try {
        found = Array.from(new Set(selectors.flatMap((selector) => select(card, selector)))).sort(inOrder);
      } catch (e) { found = null; }
      out[key] = found === null ? null : found.filter(visible).map(describe);
    }
    return out;
  });
}"""
)


@dataclass(frozen=True)
class Match:
    """One key's pick in one card, read in the batch."""

    text: str
    name: str
    href: str | None
    link_name: str
    datetime: str | None


@dataclass(frozen=True)
class CardReading:
    """What the batch read of one card: each key's pick (None: not there by its best
    candidate), for the keys that had a candidate known to work; `knows` says which."""

    picks: Mapping[str, Match | None]
    slugs: frozenset[str]

    def knows(self, key: str) -> bool:
        return key in self.picks

    def __getitem__(self, key: str) -> Match | None:
        return self.picks.get(key)


def _accepts(spec: KeySpec, found: dict[str, Any]) -> bool:
    if spec.guard:
        guarded = any(
            found["role"] == layer.role
            and (pattern := layer.name_pattern) is not None
            and pattern.search(found["name"])
            for layer in spec.guards
        )
        if not guarded:
            return False
    return spec.text is None or RECOGNISERS[spec.text](found["text"])


def _pick(spec: KeySpec, found: Sequence[dict[str, Any]]) -> Match | None:
    passing = [f for f in found if _accepts(spec, f)]
    if not passing:
        return None
    chosen = passing[-1] if spec.pick == "last" else passing[0]
    return Match(
        chosen["text"], chosen["name"], chosen["href"], clean(chosen["linkName"]), chosen["datetime"]
    )


def _recipe(ctx: ActionContext, key: str) -> list[str] | None:
    """The selectors that found `key` here last: its best candidate known to work, else the
    class-free structural layer that found it (a layer by role and name has no plain selector)."""
    spec = ctx.selectors.spec(key)
    works = ctx.selectors.scores.works
    best = next((c for c in ctx.selectors.scores.order(key, spec.candidates) if works(key, c)), None)
    if best is not None:
        return None if ">>" in best or best.startswith("internal:") else [best]
    index = ctx.selectors.last_layer.get(key)
    if index is None:
        return None
    layer = spec.heuristics[index]
    if layer.role is not None or layer.has is not None or layer.has_text is not None:
        return None
    return list(layer.css)


def known_keys(ctx: ActionContext, keys: Sequence[str]) -> frozenset[str]:
    """The keys a batch reading made now would read (those with a plain selector known to work)."""
    return frozenset(key for key in keys if _recipe(ctx, key) is not None)


async def read_cards(ctx: ActionContext, cards: Locator, keys: Sequence[str]) -> list[CardReading] | None:
    """Every card's picks for `keys`, each through its best candidate known to work here (a key
    without one is left out: the caller reads what it needs of it the slow way); None when the
    list changed under us."""
    recipe: dict[str, list[str]] = {}
    for key in keys:
        found = _recipe(ctx, key)
        if found is not None:
            recipe[key] = found
    try:
        rows = await cards.evaluate_all(READ_CARDS_JS, recipe)
    except PlaywrightError:
        return None
    out = []
    for row in rows:
        picks: dict[str, Match | None] = {}
        for key in recipe:
            found = row[key]
            if found is not None:  # a candidate this browser's CSS cannot parse tells nothing
                picks[key] = _pick(ctx.selectors.spec(key), found)
        slugs = frozenset(s for s in (slug_of(h) for h in row["hrefs"]) if s is not None)
        out.append(CardReading(picks, slugs))
    return out


def identity_of(reading: CardReading, key: str) -> tuple[str, str] | None:
    """(slug, name) from the card's name link, when the card is that one person's alone."""
    link = reading[key]
    if link is None:
        return None
    slug = slug_of(link.href)
    if slug is None or not link.link_name or reading.slugs != {slug}:
        return None
    return slug, link.link_name
