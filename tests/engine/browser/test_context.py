"""The browser context: resource blocking, bounded pages, restart after a crash."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from linkpilot.common.errors import BadInput
from linkpilot.engine.browser import BrowserCrashed, BrowserError, BrowserSession, TooManyPages
from linkpilot.engine.browser.processes import browser_pid, chromium_pids, pss_kib
from linkpilot.engine.page_state import LoggedOut
from linkpilot.sandbox import RunningSandbox
from tests.engine.conftest import engine_settings, sandbox_cookie

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]

STYLESHEET_LOADED = """() => [...document.styleSheets].some(
    (sheet) => (sheet.href || '').includes('/static/sandbox-') && sheet.cssRules.length > 0)"""
AVATAR_WIDTHS = "() => [...document.images].map((img) => img.naturalWidth)"


async def test_images_are_blocked_but_stylesheets_load(
    browser: BrowserSession, sandbox: RunningSandbox
) -> None:
    page = await browser.goto("/feed/", wait_until="load")
    assert await page.evaluate(STYLESHEET_LOADED)
    widths = await page.evaluate(AVATAR_WIDTHS)
    assert widths
    assert all(w == 0 for w in widths)
    assert browser.resources_blocked >= 1
    # Blocked resources are not origin violations.
    assert not [r for r in browser.guard.refusals if r.url.startswith(sandbox.url)]


async def test_pages_are_bounded(browser: BrowserSession, sandbox: RunningSandbox) -> None:
    main = await browser.page()
    assert await browser.page() is main
    extra = [await browser.new_page() for _ in range(browser.max_pages - 1)]
    with pytest.raises(TooManyPages, match=f"at most {browser.max_pages}"):
        await browser.new_page()
    await extra[0].close()
    again = await browser.new_page()
    page = await browser.goto("/feed/", page=again)
    assert page is again
    await main.close()
    replacement = await browser.page()
    assert replacement is not main
    assert not replacement.is_closed()


async def test_a_crash_is_survived_once_then_reported(sandbox: RunningSandbox, tmp_path: Path) -> None:
    settings = engine_settings(tmp_path / "home", sandbox.url)
    async with BrowserSession(settings, cookies=[sandbox_cookie()], block_resources=False) as browser:
        page = await browser.goto("/feed/", wait_until="load")
        # Unblocked, the avatars load: blocking is a choice, not an accident.
        assert all(w > 0 for w in await page.evaluate(AVATAR_WIDTHS))
        pids = chromium_pids(browser.user_data_dir)
        assert pss_kib(pids) > 0
        first = browser_pid(browser.user_data_dir)
        assert first is not None
        assert first in pids
        os.kill(first, signal.SIGKILL)

        page = await browser.goto("/feed/")
        assert browser.restarts == 1
        assert page.url == f"{sandbox.url}/feed/"
        second = browser_pid(browser.user_data_dir)
        assert second not in (None, first)
        # Still logged in on the new browser: the session cookies were put back.
        await browser.verify(page)

        assert second is not None
        os.kill(second, signal.SIGKILL)
        with pytest.raises(BrowserCrashed, match="crashed 2 times"):
            await browser.goto("/feed/")
        with pytest.raises(BrowserCrashed):
            await browser.page()


async def test_a_crash_between_navigations_is_noticed_by_page(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    settings = engine_settings(tmp_path / "home", sandbox.url)
    async with BrowserSession(settings, cookies=[sandbox_cookie()]) as browser:
        await browser.goto("/feed/")
        pid = browser_pid(browser.user_data_dir)
        assert pid is not None
        closed = browser.context.wait_for_event("close")
        os.kill(pid, signal.SIGKILL)
        await closed
        assert browser.crashed
        page = await browser.page()
        assert browser.restarts == 1
        assert not browser.crashed
        await browser.goto("/feed/", page=page)


async def test_an_unreachable_site_is_a_browser_error(tmp_path: Path) -> None:
    from tests.conftest import free_port

    settings = engine_settings(tmp_path / "home", f"http://127.0.0.1:{free_port()}")
    async with BrowserSession(settings) as browser:
        with pytest.raises(BrowserError, match="cannot open"):
            await browser.goto("/feed/")
        assert browser.guard.blocked == 0 or all(r.layer == "proxy" for r in browser.guard.refusals)


def children() -> set[int]:
    """This process's child processes, from /proc."""
    pids: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        pids |= {int(pid) for pid in (task / "children").read_text().split()}
    return pids


async def test_a_missing_chromium_is_a_clear_error(tmp_path: Path) -> None:
    settings = engine_settings(tmp_path / "home", "http://127.0.0.1:9", chromium=tmp_path / "nope")
    session = BrowserSession(settings)
    before = children()
    with pytest.raises(BadInput, match="not an executable file"):
        await session.start()
    assert children() == before  # nothing started: no Playwright driver left behind


async def test_a_form_post_and_its_redirect_pass_the_guard(
    browser: BrowserSession, sandbox: RunningSandbox
) -> None:
    await browser.use_cookies([])
    with pytest.raises(LoggedOut):
        await browser.goto("/feed/")
    page = await browser.goto("/login", check=False)
    await page.fill("#username", sandbox.state.config.login_email)
    await page.fill("#password", sandbox.state.config.login_password)
    async with page.expect_navigation(url="**/feed/"):
        await page.click("button[type=submit]")
    await browser.verify(page)
    assert [c.name for c in await browser.cookies()] == ["li_at"]
    # verify already took in the cookie the login set: nothing new since.
    assert not await browser.sync_cookies()


async def test_fresh_page_replaces_the_main_page_and_keeps_the_session(
    browser: BrowserSession, sandbox: RunningSandbox
) -> None:
    old = await browser.goto("/feed/")
    fresh = await browser.fresh_page()
    assert old.is_closed()
    assert fresh is not old
    assert await browser.page() is fresh
    # Still logged in and guarded on the new page.
    page = await browser.goto("/feed/")
    assert page is fresh
    assert await page.locator("#global-nav").count() == 1


async def test_chromium_keeps_playwright_s_switches_and_asks_for_no_autofill_types(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    settings = engine_settings(tmp_path / "home", sandbox.url)
    async with BrowserSession(settings) as browser:
        page = await browser.goto("/login", check=False)
        await page.fill("#username", sandbox.state.config.login_email)
        await page.fill("#password", sandbox.state.config.login_password)
        async with page.expect_navigation(url="**/feed/"):
            await page.click("button[type=submit]")
        await browser.verify(page)
        pid = browser_pid(browser.user_data_dir)
        assert pid is not None
        args = (await asyncio.to_thread(Path(f"/proc/{pid}/cmdline").read_bytes)).decode().split("\0")
    # Chromium obeys only the last --disable-features: it must hold Playwright's list and ours.
    lists = [set(arg.split("=", 1)[1].split(",")) for arg in args if arg.startswith("--disable-features=")]
    assert len(lists) == 2
    assert lists[0] <= lists[-1]
    assert "AutofillServerCommunication" in lists[-1]
    # A filled form: no request for its fields' autofill types. (What is left, the updater,
    # account and password-leak checks, is refused by the proxy and logged at debug only.)
    asked = [r.url for r in browser.guard.refusals]
    assert not [url for url in asked if "content-autofill" in url], asked
