"""Nothing a page does can take the engine off the configured origin, or to the admin API.

A test-only "home" site is the configured origin; "elsewhere" is another origin on another
loopback port that records every request it receives. The trap pages on home link, redirect
(directly and through a chain), script and meta-refresh their way to elsewhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
import pytest_asyncio
from aiohttp import web
from playwright.async_api import Page

from linkpilot.engine.browser import BrowserSession, OffOrigin
from linkpilot.sandbox import RunningSandbox
from tests.engine.conftest import engine_settings

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]


@dataclass
class Sites:
    home: str
    elsewhere: str
    hits: list[str] = field(default_factory=list)
    runners: list[web.AppRunner] = field(default_factory=list)


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


def _html(body: str) -> web.Response:
    return web.Response(text=f"<!DOCTYPE html><html><body>{body}</body></html>", content_type="text/html")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sites() -> AsyncIterator[Sites]:
    hits: list[str] = []

    async def record(request: web.Request) -> web.Response:
        hits.append(request.path)
        return _html("<h1>elsewhere</h1>")

    elsewhere_app = web.Application()
    elsewhere_app.router.add_route("*", "/{tail:.*}", record)
    elsewhere_runner, elsewhere = await _serve(elsewhere_app)

    async def page(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        far = f"{elsewhere}/{name}"
        bodies = {
            "plain": "<h1>home</h1>",
            "link": f'<a id="go" href="{far}">go</a>',
            "js": f"<h1>js</h1><script>setTimeout(() => {{ window.location = '{far}'; }}, 0)</script>",
            "meta": f'<meta http-equiv="refresh" content="0;url={far}"><h1>meta</h1>',
            "assets": f'<h1>assets</h1><img src="{far}.png"><script src="{far}.js"></script>'
            f'<iframe src="{far}-frame"></iframe><script>fetch("{far}-xhr").catch(() => null)</script>',
            "admin-link": '<a id="go" href="/__admin/record">admin</a>',
            "admin-fetch": "<h1>x</h1><script>fetch('/__admin/record').then(() => document.title = 'reached', () => document.title = 'refused')</script>",
            "popup": f"<h1>popup</h1><script>window.open('{far}')</script>",
        }
        return _html(bodies[name])

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"{elsewhere}/redirected")

    async def chain(request: web.Request) -> web.Response:
        # An on-origin hop first: redirect hops are invisible to Playwright's routing.
        raise web.HTTPFound("/redirect")

    async def relative(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"//{elsewhere.removeprefix('http://')}/protocol-relative")

    async def admin(request: web.Request) -> web.Response:
        hits.append("admin:" + request.path)
        return web.json_response({"secret": True})

    home_app = web.Application()
    home_app.router.add_get("/p/{name}", page)
    home_app.router.add_get("/redirect", redirect)
    home_app.router.add_get("/chain", chain)
    home_app.router.add_get("/relative", relative)
    home_app.router.add_get("/__admin/record", admin)
    home_runner, home = await _serve(home_app)
    yield Sites(home, elsewhere, hits, [home_runner, elsewhere_runner])
    for runner in (home_runner, elsewhere_runner):
        await runner.cleanup()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def module_browser(
    sites: Sites, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[BrowserSession]:
    home = tmp_path_factory.mktemp("guard-home")
    async with BrowserSession(engine_settings(home, sites.home)) as session:
        yield session


@pytest_asyncio.fixture(loop_scope="session")
async def guarded(module_browser: BrowserSession, sites: Sites) -> BrowserSession:
    sites.hits.clear()
    page = await module_browser.page()
    await page.goto("about:blank")
    module_browser.guard.refusals.clear()
    module_browser.guard.counts.clear()
    module_browser.off_origin_navigations = 0
    return module_browser


def refused(browser: BrowserSession, layer: str | None = None) -> list[str]:
    return [r.url for r in browser.guard.refusals if layer is None or r.layer == layer]


async def test_goto_refuses_other_origins_before_navigating(guarded: BrowserSession, sites: Sites) -> None:
    for target in (
        f"{sites.elsewhere}/x",
        "https://www.example.com/",
        "http://127.0.0.1:1/",
        "javascript:alert(1)",
    ):
        with pytest.raises(OffOrigin):
            await guarded.goto(target, check=False)
    page = await guarded.page()
    assert page.url == "about:blank"
    assert sites.hits == []
    assert len(refused(guarded, "goto")) == 4


async def test_a_path_or_same_origin_url_is_fine(guarded: BrowserSession, sites: Sites) -> None:
    page = await guarded.goto("/p/plain", check=False)
    assert page.url == f"{sites.home}/p/plain"
    page = await guarded.goto(f"{sites.home}/p/plain", check=False)
    assert await page.inner_text("h1") == "home"


@pytest.mark.parametrize("path", ["/redirect", "/chain", "/relative"])
async def test_a_redirect_to_another_origin_is_stopped(
    guarded: BrowserSession, sites: Sites, path: str
) -> None:
    with pytest.raises(OffOrigin) as caught:
        await guarded.goto(path, check=False)
    assert "another origin" in str(caught.value)
    assert sites.home in str(caught.value)
    page = await guarded.page()
    assert page.url == "about:blank"
    # The hop never reached the other server: the proxy refused it.
    assert sites.hits == []
    assert any(url.startswith(sites.elsewhere) for url in refused(guarded, "proxy"))


async def click_refused(browser: BrowserSession, page: Page, selector: str, url: str) -> None:
    """Click a link the guard refuses, and wait until Chromium shows its error page."""
    async with page.expect_event("requestfailed", lambda r: r.url == url):
        await page.click(selector)
    if browser.off_origin_navigations == 0:
        await page.wait_for_event("framenavigated", lambda frame: frame.url.startswith("chrome-error:"))


async def test_a_link_to_another_origin_goes_nowhere(guarded: BrowserSession, sites: Sites) -> None:
    page = await guarded.goto("/p/link", check=False)
    await click_refused(guarded, page, "#go", f"{sites.elsewhere}/link")
    with pytest.raises(OffOrigin):
        await guarded.verify(page, check=False)
    assert sites.hits == []
    assert f"{sites.elsewhere}/link" in refused(guarded, "route")
    assert page.url == "about:blank"


@pytest.mark.parametrize("name", ["js", "meta"])
async def test_script_and_meta_refresh_cannot_leave(guarded: BrowserSession, sites: Sites, name: str) -> None:
    page = await guarded.page()
    far = f"{sites.elsewhere}/{name}"
    refused_request = asyncio.ensure_future(page.wait_for_event("requestfailed", lambda r: r.url == far))
    # The page may try to leave while goto is still waiting, or just after it returned;
    # goto or verify notice it either way and send the page back to about:blank.
    caught = []
    try:
        await guarded.goto(f"/p/{name}", check=False)
    except OffOrigin as exc:
        caught.append(exc)
    await refused_request
    if guarded.off_origin_navigations == 0:
        # The refused navigation ends on Chromium's error page, never on the other site.
        await page.wait_for_event("framenavigated", lambda frame: frame.url.startswith("chrome-error:"))
    try:
        await guarded.verify(page, check=False)
    except OffOrigin as exc:
        caught.append(exc)
    assert caught
    assert page.url == "about:blank"
    assert sites.hits == []
    assert far in refused(guarded)


async def test_subresources_from_elsewhere_are_blocked(guarded: BrowserSession, sites: Sites) -> None:
    page = await guarded.page()
    async with page.expect_request(f"{sites.elsewhere}/assets-xhr"):
        await guarded.goto("/p/assets", check=False)
    await page.wait_for_load_state("load")
    assert sites.hits == []
    urls = refused(guarded)
    for suffix in (".js", "-frame", "-xhr"):
        assert f"{sites.elsewhere}/assets{suffix}" in urls
    # The page itself stays where it was.
    await guarded.verify(page, check=False)


async def test_a_popup_to_elsewhere_is_blocked(guarded: BrowserSession, sites: Sites) -> None:
    page = await guarded.page()
    async with page.context.expect_page() as popup_info:
        await guarded.goto("/p/popup", check=False)
    popup = await popup_info.value
    await popup.wait_for_load_state()
    assert sites.hits == []
    assert f"{sites.elsewhere}/popup" in refused(guarded)
    await popup.close()


async def test_the_admin_api_is_never_reached(guarded: BrowserSession, sites: Sites) -> None:
    with pytest.raises(OffOrigin):
        await guarded.goto("/__admin/record", check=False)
    page = await guarded.goto("/p/admin-fetch", check=False)
    await page.wait_for_function("document.title !== ''")
    assert await page.title() == "refused"
    page = await guarded.goto("/p/admin-link", check=False)
    await click_refused(guarded, page, "#go", f"{sites.home}/__admin/record")
    with pytest.raises(OffOrigin):
        await guarded.verify(page, check=False)
    assert sites.hits == []
    assert guarded.guard.counts["admin API"] >= 3


async def test_the_sandbox_admin_api_is_blocked_too(browser: BrowserSession, sandbox: RunningSandbox) -> None:
    with pytest.raises(OffOrigin):
        await browser.goto("/__admin/world")
    page = await browser.goto("/feed/")
    outcome = await page.evaluate("() => fetch('/__admin/record').then(() => 'reached', () => 'refused')")
    assert outcome == "refused"
    assert browser.guard.counts["admin API"] == 2
    assert sandbox.state.record.to_json()["visits"] == []
