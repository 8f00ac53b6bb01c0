"""One persistent Chromium context on the configured origin, and nothing else.

Everything the engine does in a browser goes through ``BrowserSession``: it owns the
profile folder, the origin guard (a route handler in front, a forward proxy behind it for
redirect hops), a bounded set of pages, one restart after a crash, page-state checks after
every navigation and the saving back of cookies the site refreshes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Literal
from urllib.parse import urljoin

from playwright.async_api import BrowserContext, Page, Playwright, Response, Route, async_playwright
from playwright.async_api import Error as PlaywrightError

from linkpilot.common.clock import Clock, utc_now
from linkpilot.common.settings import Settings
from linkpilot.common.text import counted
from linkpilot.engine.browser.errors import BrowserCrashed, BrowserError, OffOrigin, TooManyPages
from linkpilot.engine.browser.gate import OriginGate
from linkpilot.engine.browser.origin import OriginGuard, redact
from linkpilot.engine.chromium import browser_env, find_chromium, launch_args
from linkpilot.engine.clock_guard import SiteClock
from linkpilot.engine.page_state import Markers, PageFacts, check_page
from linkpilot.engine.session.cookies import Cookie, watched_values

log = logging.getLogger("linkpilot.engine.browser")

CookieSink = Callable[[list[Cookie]], Awaitable[None]]
WaitUntil = Literal["commit", "domcontentloaded", "load", "networkidle"]
# Visibility decides what is clickable, so stylesheets always load; these never matter.
BLOCKABLE = frozenset({"image", "media", "font"})
NEUTRAL_SCHEMES = ("about:", "data:", "blob:")


class BrowserSession:
    """``async with BrowserSession(settings, cookies=...) as browser: page = await browser.goto("/feed/")``."""

    def __init__(
        self,
        settings: Settings,
        *,
        cookies: Sequence[Cookie] = (),
        on_cookies: CookieSink | None = None,
        max_pages: int = 3,
        block_resources: bool = True,
        max_restarts: int = 1,
        markers: Markers | None = None,
        timeout_ms: float = 30_000,
        clock: Clock = utc_now,
    ) -> None:
        self.settings = settings
        # The site's time, from the Date of the pages and calls it answers (see clock_guard).
        self.site_clock = SiteClock(clock)
        self.guard = OriginGuard(settings.linkedin_url)
        self.origin = self.guard.origin
        self.user_data_dir: Path = settings.home / "browser"
        self.max_pages = max_pages
        self.block_resources = block_resources
        self.max_restarts = max_restarts
        self.markers = markers
        self.timeout_ms = timeout_ms
        self.restarts = 0
        self.resources_blocked = 0
        self.off_origin_navigations = 0
        self.navigations_refused = 0
        self._cookies = list(cookies)
        self._watched = watched_values(self._cookies)
        self._on_cookies = on_cookies
        self._gate = OriginGate(self.guard)
        self._playwright: Playwright | None = None
        self._context: BrowserContext | None = None
        self._page: Page | None = None
        self._crashed = asyncio.Event()
        self._closing = False

    # Life cycle ------------------------------------------------------------------------

    async def __aenter__(self) -> BrowserSession:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def start(self) -> None:
        executable = find_chromium(self.settings.chromium)
        self.user_data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._closing = False
        await self._gate.start()
        try:
            self._playwright = await async_playwright().start()
            await self._launch(executable)
        except BaseException:
            await self.close()
            raise
        if self._closing:
            # Closed while it was starting (a sign-in abandoned at once): the close found nothing
            # to stop yet, so what started since is stopped here rather than left running.
            await self.close()
            raise BrowserError("the browser was closed while it was starting")

    async def close(self) -> None:
        self._closing = True
        context, self._context = self._context, None
        if context is not None:
            with contextlib.suppress(PlaywrightError):
                await context.close()
        playwright, self._playwright = self._playwright, None
        if playwright is not None:
            await playwright.stop()
        await self._gate.stop()

    @property
    def context(self) -> BrowserContext:
        if self._context is None:
            raise BrowserError("the browser is not started")
        return self._context

    @property
    def crashed(self) -> bool:
        return self._crashed.is_set()

    async def _launch(self, executable: Path | None = None) -> None:
        assert self._playwright is not None
        executable = executable or find_chromium(self.settings.chromium)
        try:
            context = await self._playwright.chromium.launch_persistent_context(
                str(self.user_data_dir),
                executable_path=str(executable),
                headless=True,
                args=launch_args(self.origin.url),
                env=browser_env(),
                chromium_sandbox=False,
                proxy={"server": self._gate.url},
                service_workers="block",
                accept_downloads=False,
            )
        except PlaywrightError as exc:
            raise BrowserError(f"Chromium did not start: {_first_line(exc)}") from None
        self._crashed.clear()
        context.on("close", self._on_close)
        context.set_default_timeout(self.timeout_ms)
        context.set_default_navigation_timeout(self.timeout_ms)
        await context.route("**/*", self._route)
        # The encrypted session file is the truth; the profile's own cookie jar may be stale.
        await context.clear_cookies()
        if self._cookies:
            await context.add_cookies([c.for_origin(self.origin) for c in self._cookies])
        for page in context.pages:
            self._watch(page)
        context.on("page", self._watch)
        context.on("response", self._note_site_time)
        self._context = context
        self._page = context.pages[0] if context.pages else await context.new_page()

    def _note_site_time(self, response: Response) -> None:
        # Pages and API calls only: a cached script or picture carries the time it was first sent.
        if response.request.resource_type in ("document", "xhr", "fetch") and self.origin.owns(response.url):
            self.site_clock.observe(response.headers.get("date"))

    def _on_close(self, _context: BrowserContext) -> None:
        if not self._closing:
            log.error("Chromium went away")
            self._crashed.set()

    def _watch(self, page: Page) -> None:
        def navigated(frame: object) -> None:
            if frame is page.main_frame and not self._allowed_location(page.url):
                self.off_origin_navigations += 1
                log.warning("page left the origin: %s", redact(page.url))

        page.on("framenavigated", navigated)

    async def _recover(self) -> None:
        """Relaunch after a crash, once per run; a second crash is the caller's problem."""
        if not self.crashed:
            return
        if self.restarts >= self.max_restarts:
            raise BrowserCrashed(
                f"Chromium crashed {self.restarts + 1} times in this run; giving up after {counted(self.restarts, 'restart')}"
            )
        self.restarts += 1
        log.warning("restarting Chromium after a crash (restart %d)", self.restarts)
        self._context = None
        self._page = None
        await self._launch()

    # Pages -----------------------------------------------------------------------------

    async def page(self) -> Page:
        """The main page (a fresh one if it was closed or the browser restarted)."""
        await self._recover()
        if self._page is None or self._page.is_closed():
            self._page = await self.new_page()
        return self._page

    async def fresh_page(self) -> Page:
        """Swap the main page for a new one.

        Chromium's renderer keeps growing over dozens of sends (about 150 MB per 40 messages,
        with raw Playwright too); a new page gives that memory back. Call it between actions.
        """
        old = self._page
        # The new page opens before the old one closes: closing a persistent context's last
        # page ends Chromium's browsing session, and session cookies (li_at among them) with it.
        self._page = await self.new_page()
        if old is not None and not old.is_closed():
            with contextlib.suppress(PlaywrightError):
                await old.close()
        return self._page

    async def new_page(self) -> Page:
        await self._recover()
        open_pages = [p for p in self.context.pages if not p.is_closed()]
        if len(open_pages) >= self.max_pages:
            raise TooManyPages(f"{len(open_pages)} pages are open already (at most {self.max_pages})")
        return await self.context.new_page()

    # Navigation ------------------------------------------------------------------------

    def url_for(self, target: str) -> str:
        """An absolute URL on the origin for a path or URL; OffOrigin for anything else."""
        url = urljoin(self.origin.url + "/", target)
        reason = self.guard.verdict(url)
        if reason is not None or not self.origin.owns(url):
            self.guard.refuse(url, reason or "off-origin", "goto")
            raise OffOrigin(redact(url), f"{reason or 'off-origin'} URL asked for")
        return url

    async def goto(
        self,
        target: str,
        *,
        page: Page | None = None,
        check: bool = True,
        wait_until: WaitUntil = "domcontentloaded",
    ) -> Page:
        """Open ``target`` (a path or a URL on the origin) and check where we landed.

        Raises OffOrigin, a PageBlocked error (LoggedOut, Checkpoint, ...) when ``check``
        is on, BrowserError when the page cannot load, BrowserCrashed after a second crash.
        """
        url = self.url_for(target)
        page = page or await self.page()
        refused_before = self.navigations_refused
        try:
            await page.goto(url, wait_until=wait_until)
        except PlaywrightError as exc:
            if await self._died(page):
                # A crash mid-navigation: a GET is safe to repeat once on the new browser.
                await self._recover()
                page = await self.page()
                await page.goto(url, wait_until=wait_until)
            elif self.navigations_refused == refused_before:
                raise BrowserError(f"cannot open {redact(url)}: {_first_line(exc)}") from None
        if not self._allowed_location(page.url):
            # Redirected (the proxy answered for the other origin) or sent away by a script.
            await self._leave(page)
            raise OffOrigin(redact(url), "the page went to another origin (redirect or script)")
        await self.verify(page, check=check)
        return page

    async def verify(self, page: Page, *, check: bool = True) -> PageFacts | None:
        """After any navigation (goto, or a click that navigated): origin, page state, cookies."""
        if not self._allowed_location(page.url):
            shown = redact(page.url)
            await self._leave(page)
            raise OffOrigin(shown, "the page navigated off the origin")
        facts = await check_page(page, self.markers) if check else None
        await self.sync_cookies()
        return facts

    def _allowed_location(self, url: str) -> bool:
        return url.startswith(NEUTRAL_SCHEMES) or (self.origin.owns(url) and self.guard.verdict(url) is None)

    async def _leave(self, page: Page) -> None:
        with contextlib.suppress(PlaywrightError):
            await page.goto("about:blank")

    async def died(self, page: Page | None = None) -> bool:
        """Whether Chromium went away under ``page`` (the main page by default), waiting a
        moment for the close event, which may trail the failed call."""
        page = page or self._page
        return self.crashed if page is None else await self._died(page)

    async def _died(self, page: Page) -> bool:
        if self.crashed:
            return True
        context = self._context
        connected = context is not None and (context.browser is None or context.browser.is_connected())
        if connected and not page.is_closed():
            return False
        # The close event may trail the failed call by a moment.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._crashed.wait(), timeout=5)
        return self.crashed

    async def _route(self, route: Route) -> None:
        request = route.request
        with contextlib.suppress(PlaywrightError):
            reason = self.guard.verdict(request.url)
            if reason is not None:
                self.guard.refuse(request.url, reason, "route")
                if request.is_navigation_request():
                    self.navigations_refused += 1
                await route.abort("blockedbyclient")
            elif self.block_resources and request.resource_type in BLOCKABLE:
                self.resources_blocked += 1
                await route.abort("blockedbyclient")
            else:
                await route.continue_()

    # Cookies ---------------------------------------------------------------------------

    async def use_cookies(self, cookies: Sequence[Cookie]) -> None:
        """Replace every cookie the browser holds with these (a re-imported session)."""
        self._cookies = list(cookies)
        self._watched = watched_values(self._cookies)
        await self.context.clear_cookies()
        if self._cookies:
            await self.context.add_cookies([c.for_origin(self.origin) for c in self._cookies])

    async def cookies(self) -> list[Cookie]:
        return [Cookie.from_playwright(c) for c in await self.context.cookies(self.origin.url)]

    async def sync_cookies(self) -> bool:
        """Hand the site's cookies to ``on_cookies`` when it rotated li_at or JSESSIONID."""
        current = await self.cookies()
        watched = watched_values(current)
        if watched == self._watched:
            return False
        self._watched = watched
        self._cookies = current
        log.info("the site refreshed the session cookies")
        if self._on_cookies is not None:
            await self._on_cookies(current)
        return True


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
