"""What every action needs: the page, the selector engine, pacing, timeouts and navigation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page, Request

from linkpilot.common.errors import BadInput
from linkpilot.common.text import fold, strip_controls
from linkpilot.common.urls import profile_slug
from linkpilot.engine.actions.outcomes import Navigation, NavStatus
from linkpilot.engine.pacing import FastPacing, Pacing
from linkpilot.engine.selectors import SelectorEngine

# Where LinkedIn sends a browser it will not serve: logged out, checkpoint, authwall.
BLOCKED_PREFIXES = ("/login", "/uas/authenticate", "/checkpoint/", "/authwall")

BIRTHDAY_PATH = "/mynetwork/catch-up/birthday/"
INVITATIONS_PATH = "/mynetwork/invitation-manager/sent/"
FEED_PATH = "/feed/"


# The visible texts of an element in order, each with the element holding it. LinkedIn doubles
# every text for screen readers (a visually hidden copy, a one-pixel box): those copies, and
# the texts inside elements matching `skip` (buttons, scripts), are left out.
VISIBLE_TEXTS_FN = """function visibleTexts(root, skip) {
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (!text || !parent || parent.closest(skip)) { continue; }
    const box = parent.getBoundingClientRect();
    if (box.width <= 1 && box.height <= 1) { continue; }
    out.push({ text, parent });
  }
  return out;
}"""


@dataclass(frozen=True)
class Timeouts:
    """Milliseconds the engine lets Playwright wait for the page, never sleeps of its own."""

    navigation_ms: float = 30_000
    element_ms: float = 5_000  # a dialog or a card to show up after a click
    confirm_ms: float = 10_000  # the sent bubble to land in the thread
    scroll_ms: float = 2_000  # new cards after a scroll
    settle_ms: float = 3_000  # a dialog or a card to go away


class RequestCounter:
    """How many fetch/XHR requests the page has started: a list that loads more asks first."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.started = 0
        page.on("request", self._on_request)

    def _on_request(self, request: Request) -> None:
        if request.resource_type in ("fetch", "xhr"):
            self.started += 1


@dataclass
class ActionContext:
    page: Page
    selectors: SelectorEngine
    origin: str
    pacing: Pacing = field(default_factory=FastPacing)
    timeouts: Timeouts = field(default_factory=Timeouts)
    # The member's time zone: a time a page shows without one is local time there.
    zone: tzinfo = UTC
    # CSS selectors of a thread item's parts, found once and reused while they keep working;
    # {} once they were found not to work: items are then read by meaning.
    thread_css: dict[str, str | None] | None = None
    # The member's own name as the navigation shows it ("" once looked for and not found).
    member_name: str | None = None
    _requests: RequestCounter | None = field(default=None, repr=False)

    def requests(self) -> RequestCounter:
        """The fetch/XHR counter of the current page (a fresh page gets a fresh counter)."""
        if self._requests is None or self._requests.page is not self.page:
            self._requests = RequestCounter(self.page)
        return self._requests

    def url_for(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return self.origin.rstrip("/") + "/" + path.lstrip("/")


def same_name(shown: str | None, intended: str) -> bool:
    """Names match when equal after folding case, accents and spacing; never by prefix."""
    return shown is not None and bool(fold(intended)) and fold(shown) == fold(intended)


def slug_of(href: str | None) -> str | None:
    if not href:
        return None
    try:
        return profile_slug(href)
    except BadInput:
        return None


def clean(text: str | None) -> str:
    """Page text as a fact: single-spaced, without control characters (anyone can put escape
    sequences in a headline; they must never reach a terminal or the database)."""
    return " ".join(strip_controls(text or "").split())


def current_path(page: Page) -> str:
    return urlsplit(page.url).path


def blocked(url: str) -> bool:
    return urlsplit(url).path.startswith(BLOCKED_PREFIXES)


async def goto(ctx: ActionContext, path: str) -> Navigation:
    """Open `path` on the configured origin and say how it went, as a typed result."""
    url = ctx.url_for(path)
    try:
        response = await ctx.page.goto(url, wait_until="load", timeout=ctx.timeouts.navigation_ms)
    except PlaywrightError as exc:
        return Navigation(NavStatus.NETWORK_ERROR, url, detail=clean(str(exc).splitlines()[0]))
    final = ctx.page.url
    status = response.status if response is not None else None
    if blocked(final):
        return Navigation(NavStatus.BLOCKED, final, status, f"redirected to {urlsplit(final).path}")
    if status == 404:
        return Navigation(NavStatus.NOT_FOUND, final, status, "page not found")
    if status is not None and status >= 400:
        return Navigation(NavStatus.HTTP_ERROR, final, status, f"HTTP {status}")
    return Navigation(NavStatus.OK, final, status)


async def text_of(locator: Locator) -> str:
    return clean(await locator.inner_text())
