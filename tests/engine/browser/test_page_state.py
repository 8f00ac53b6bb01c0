"""Every navigation is checked: the practice site's trouble pages raise the matching error."""

from __future__ import annotations

import pytest

from linkpilot.common.errors import ExitCode
from linkpilot.engine.browser import BrowserSession
from linkpilot.engine.page_state import (
    Authwall,
    Captcha,
    Checkpoint,
    LoggedOut,
    PageBlocked,
    RateLimited,
    Restricted,
    check_page,
)
from linkpilot.sandbox import RunningSandbox

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]

LANGUAGES = [
    pytest.param({"language": "en", "markup": "classic"}, id="en-classic"),
    pytest.param({"language": "fr", "markup": "hashed"}, id="fr-hashed"),
]
FAULTS = [
    pytest.param("checkpoint_after_actions", Checkpoint, "/checkpoint/challenge/", id="checkpoint"),
    pytest.param("captcha_after_actions", Captcha, "/checkpoint/challenge/", id="captcha"),
    pytest.param("restricted_after_actions", Restricted, "/checkpoint/restricted/", id="restricted"),
]


@pytest.mark.parametrize("sandbox", LANGUAGES, indirect=True)
async def test_a_normal_page_passes(browser: BrowserSession, sandbox: RunningSandbox) -> None:
    page = await browser.goto("/feed/")
    facts = await check_page(page)
    assert "#global-nav" in facts.found
    assert facts.path == "/feed/"


@pytest.mark.parametrize("sandbox", LANGUAGES, indirect=True)
async def test_logged_out(browser: BrowserSession, sandbox: RunningSandbox) -> None:
    sandbox.state.expire()
    with pytest.raises(LoggedOut) as caught:
        await browser.goto("/feed/")
    assert caught.value.path == "/login"
    assert caught.value.exit_code == ExitCode.NO_SESSION
    assert not caught.value.hard
    # The query string (the redirect target) is never part of the error.
    assert "session_redirect" not in str(caught.value)


@pytest.mark.parametrize("sandbox", LANGUAGES, indirect=True)
async def test_authwall(browser: BrowserSession, sandbox: RunningSandbox) -> None:
    sandbox.state.expire()
    slug = sandbox.state.world.people[0].slug
    with pytest.raises(Authwall) as caught:
        await browser.goto(f"/in/{slug}/")
    assert caught.value.path == "/authwall"
    assert caught.value.exit_code == ExitCode.NO_SESSION


@pytest.mark.parametrize("sandbox", LANGUAGES, indirect=True)
@pytest.mark.parametrize(("fault", "error", "path"), FAULTS)
async def test_trouble_pages_trip_hard(
    browser: BrowserSession, sandbox: RunningSandbox, fault: str, error: type[PageBlocked], path: str
) -> None:
    sandbox.state.faults.update({fault: 0})
    with pytest.raises(error) as caught:
        await browser.goto("/mynetwork/catch-up/birthday/")
    assert caught.value.path == path
    assert caught.value.hard
    assert caught.value.exit_code == ExitCode.BREAKER_OPEN


@pytest.mark.parametrize("sandbox", LANGUAGES, indirect=True)
async def test_limit_banner(browser: BrowserSession, sandbox: RunningSandbox) -> None:
    sandbox.state.faults.update({"invitation_limit": True})
    with pytest.raises(RateLimited) as caught:
        await browser.goto("/feed/")
    assert not caught.value.hard
    assert caught.value.path == "/feed/"
    # check=False lets a caller look at such a page anyway.
    page = await browser.goto("/feed/", check=False)
    assert page.url.endswith("/feed/")


@pytest.mark.parametrize("sandbox", LANGUAGES, indirect=True)
async def test_a_checkpoint_reached_by_clicking_is_caught_by_verify(
    browser: BrowserSession, sandbox: RunningSandbox
) -> None:
    page = await browser.goto("/feed/")
    sandbox.state.faults.update({"checkpoint_after_actions": 0})
    await page.click("a[href='/mynetwork/catch-up/birthday/']")
    await page.wait_for_url("**/checkpoint/**")
    with pytest.raises(Checkpoint):
        await browser.verify(page)
