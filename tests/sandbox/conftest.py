"""Fixtures for the practice site: one headless Chromium per session, a fresh site per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright

from linkpilot.common.clock import FrozenClock
from linkpilot.sandbox import RunningSandbox
from tests.practice_site import SAFE_INSTANT, SAFE_TODAY, start_site

TODAY = SAFE_TODAY
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]

SandboxFactory = Callable[..., Awaitable[RunningSandbox]]


class PageFactory(Protocol):
    async def __call__(self, site: RunningSandbox, *, logged_in: bool = True) -> Page: ...


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            chromium_sandbox=False,
            args=CHROMIUM_ARGS,
        )
        yield launched
        await launched.close()


@pytest_asyncio.fixture(loop_scope="session")
async def make_sandbox() -> AsyncIterator[SandboxFactory]:
    started: list[RunningSandbox] = []

    async def make(**overrides: Any) -> RunningSandbox:
        running = await start_site(**{"clock": FrozenClock(SAFE_INSTANT), **overrides})
        started.append(running)
        return running

    yield make
    for running in started:
        await running.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def sandbox(make_sandbox: SandboxFactory) -> RunningSandbox:
    return await make_sandbox()


@pytest_asyncio.fixture(loop_scope="session")
async def open_page(browser: Browser) -> AsyncIterator[PageFactory]:
    """Pages in fresh contexts, already holding the site's li_at cookie."""
    contexts = []

    async def open_(site: RunningSandbox, *, logged_in: bool = True) -> Page:
        context = await browser.new_context(viewport={"width": 1280, "height": 720})
        context.set_default_timeout(5000)
        contexts.append(context)
        if logged_in:
            await context.add_cookies([{"name": "li_at", "value": site.state.current_token, "url": site.url}])
        return await context.new_page()

    yield open_
    for context in contexts:
        await context.close()
