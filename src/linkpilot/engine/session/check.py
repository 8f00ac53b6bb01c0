"""Opening the feed with the stored session to learn whether the site still accepts it."""

from __future__ import annotations

from linkpilot.common.clock import utc_now
from linkpilot.common.settings import Settings
from linkpilot.engine.browser.context import BrowserSession
from linkpilot.engine.page_state import Authwall, LoggedOut
from linkpilot.engine.session.store import CheckResult, SessionStatus, SessionStore

FEED = "/feed/"


async def check_session(settings: Settings, store: SessionStore | None = None) -> SessionStatus:
    """Valid or expired, recorded in the session file; checkpoints and the like propagate."""
    store = store or SessionStore(settings)
    session = store.load()
    result: CheckResult
    async with BrowserSession(settings, cookies=session.cookies, on_cookies=store.save_refreshed) as browser:
        try:
            await browser.goto(FEED)
            result = "valid"
        except (LoggedOut, Authwall):
            result = "expired"
    now = utc_now()
    return store.record_check(result, now).status(now)


def session_browser(
    settings: Settings, store: SessionStore | None = None, *, max_pages: int = 3, block_resources: bool = True
) -> BrowserSession:
    """A browser (not started yet) carrying the stored session and saving refreshed cookies back."""
    store = store or SessionStore(settings)
    session = store.load()
    return BrowserSession(
        settings,
        cookies=session.cookies,
        on_cookies=store.save_refreshed,
        max_pages=max_pages,
        block_resources=block_resources,
    )
