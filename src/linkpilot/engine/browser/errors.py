"""What can go wrong with the browser itself, as typed errors the caller can act on."""

from __future__ import annotations

from linkpilot.common.errors import LinkPilotError


class BrowserError(LinkPilotError):
    """The browser cannot do what was asked (crashed, too many pages, refused navigation)."""


class OffOrigin(BrowserError):
    """A navigation would leave, or has left, the configured LinkedIn origin."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        super().__init__(f"refused to leave the configured origin: {reason} ({url})")


class BrowserCrashed(BrowserError):
    """Chromium died more often than one run tolerates."""


class TooManyPages(BrowserError):
    """The bounded number of pages is already open."""
