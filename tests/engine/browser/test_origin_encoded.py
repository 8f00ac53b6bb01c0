"""The admin API spelt with escapes (found by the abuse tests): the site's router decodes
/%5F%5Fadmin/ to /__admin/, so the guard must refuse it as well, in policy and in a real page."""

from __future__ import annotations

import pytest

from linkpilot.engine.browser import BrowserSession, OffOrigin
from linkpilot.engine.browser.origin import OriginGuard
from linkpilot.sandbox import RunningSandbox

ENCODED = ["/%5F%5Fadmin/record", "/%5f_admin/world", "/__%61dmin/faults", "/__ADMIN/record"]


@pytest.mark.parametrize("path", ENCODED)
def test_escaped_admin_paths_are_the_admin_api(path: str) -> None:
    guard = OriginGuard("http://127.0.0.1:8080")
    assert guard.verdict(f"http://127.0.0.1:8080{path}") == "admin API"
    assert guard.verdict("http://127.0.0.1:8080/in/admin-person/") is None


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.browser
async def test_a_page_cannot_reach_the_admin_api_with_escapes(
    browser: BrowserSession, sandbox: RunningSandbox
) -> None:
    with pytest.raises(OffOrigin):
        await browser.goto("/%5F%5Fadmin/world")
    page = await browser.goto("/feed/")
    for path in ENCODED[:3]:
        outcome = await page.evaluate("(path) => fetch(path).then(() => 'reached', () => 'refused')", path)
        assert outcome == "refused", path
    assert browser.guard.counts["admin API"] == 4
    assert sandbox.state.record.to_json()["visits"] == []
