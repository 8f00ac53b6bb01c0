"""Real headless Chromium against a real practice site, for the selector and action suites.

One browser per test module (start-up is the slow part); a fresh practice site, browser
context and page for every test, so no test sees another's cookies, dialogs or records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright

from linkpilot.engine.actions import ActionManager, Timeouts
from linkpilot.engine.chromium import launch_args
from linkpilot.engine.selectors import SelectorEngine, SelectorScores
from linkpilot.sandbox import Person, RunningSandbox, SandboxConfig, start_sandbox

TODAY = dt.date(2026, 3, 18)
GENERATIONS = [
    pytest.param(("en", "classic"), id="en-classic"),
    pytest.param(("en", "hashed"), id="en-hashed"),
    pytest.param(("fr", "classic"), id="fr-classic"),
    pytest.param(("fr", "hashed"), id="fr-hashed"),
]
# Short waits: the site is local, and a wait that times out is an expected outcome here.
TEST_TIMEOUTS = Timeouts(
    navigation_ms=15_000, element_ms=4_000, confirm_ms=1_500, scroll_ms=600, settle_ms=3_000
)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=launch_args("http://127.0.0.1")
        )
        yield browser
        await browser.close()


@dataclass
class Live:
    site: RunningSandbox
    page: Page
    actions: ActionManager
    selectors: SelectorEngine

    @property
    def people(self) -> list[Person]:
        return self.site.state.world.people

    def cast(self, role: str, degree: int | None = None) -> list[Person]:
        return [p for p in self.people if p.role == role and (degree is None or p.degree == degree)]

    def person(self, slug: str) -> Person:
        return self.site.state.world.by_slug[slug]


async def open_live(
    browser: Browser, language: str, markup: str, scores: SelectorScores | None = None
) -> tuple[RunningSandbox, Page]:
    site = await start_sandbox(SandboxConfig(seed=7, today=TODAY, language=language, markup=markup))  # type: ignore[arg-type]
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_cookies([{"name": "li_at", "value": "sandbox-li-at", "url": site.url}])
    page = await context.new_page()
    return site, page


@pytest_asyncio.fixture(loop_scope="module", params=GENERATIONS)
async def live(request: pytest.FixtureRequest, chromium: Browser) -> AsyncIterator[Live]:
    language, markup = request.param
    site, page = await open_live(chromium, language, markup)
    selectors = SelectorEngine(SelectorScores())
    actions = ActionManager(page, selectors, site.url, timeouts=TEST_TIMEOUTS)
    try:
        yield Live(site, page, actions, selectors)
    finally:
        await page.context.close()
        await site.stop()
