"""The browser: one persistent Chromium context that cannot leave the configured origin.

The context itself (Playwright) is imported when first asked for: the origin's rules serve
commands that never start a browser (`session import` reads cookies for the origin).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linkpilot.engine.browser.errors import BrowserCrashed, BrowserError, OffOrigin, TooManyPages
from linkpilot.engine.browser.origin import Origin, OriginGuard

if TYPE_CHECKING:
    from linkpilot.engine.browser.context import BrowserSession, CookieSink

    Browser = BrowserSession

_FROM_CONTEXT = {"Browser": "BrowserSession", "BrowserSession": "BrowserSession", "CookieSink": "CookieSink"}


def __getattr__(name: str) -> Any:
    if name not in _FROM_CONTEXT:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from linkpilot.engine.browser import context

    return getattr(context, _FROM_CONTEXT[name])


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
