"""The browser: one persistent Chromium context that cannot leave the configured origin."""

from __future__ import annotations

from linkpilot.engine.browser.context import BrowserSession, CookieSink
from linkpilot.engine.browser.errors import BrowserCrashed, BrowserError, OffOrigin, TooManyPages
from linkpilot.engine.browser.origin import Origin, OriginGuard

Browser = BrowserSession

__all__ = [
    "Browser",
    "BrowserCrashed",
    "BrowserError",
    "BrowserSession",
    "CookieSink",
    "OffOrigin",
    "Origin",
    "OriginGuard",
    "TooManyPages",
]
