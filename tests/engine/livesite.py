"""The action manager on the engine's own browser (tests/engine/conftest.py) and practice site.

`live` builds an ActionManager over the `browser` fixture's page and the `sandbox` fixture's
site; choose the site's language and markup with indirect parametrisation of `sandbox`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest_asyncio
from playwright.async_api import Page

from linkpilot.engine.actions import ActionManager, Timeouts
from linkpilot.engine.browser import BrowserSession
from linkpilot.engine.selectors import SelectorEngine, SelectorScores
from linkpilot.sandbox import Person, RunningSandbox

# Short waits: the site is local, and a wait that times out is an expected outcome here.
TEST_TIMEOUTS = Timeouts(
    navigation_ms=15_000, element_ms=4_000, confirm_ms=1_500, scroll_ms=600, settle_ms=3_000
)


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


def make_live(site: RunningSandbox, page: Page, scores: SelectorScores | None = None) -> Live:
    selectors = SelectorEngine(scores or SelectorScores())
    return Live(site, page, ActionManager(page, selectors, site.url, timeouts=TEST_TIMEOUTS), selectors)


@pytest_asyncio.fixture(loop_scope="session")
async def live(sandbox: RunningSandbox, browser: BrowserSession) -> Live:
    return make_live(sandbox, await browser.page())
