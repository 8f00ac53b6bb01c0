"""The cookies a session is made of, and how they are handed to the browser.

A session is imported for linkedin.com but the browser may be pointed at another origin
(the practice site on 127.0.0.1:PORT): cookies whose domain does not cover the configured
host are re-issued for that host, so the same import works against either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:
    # Types only: reading or saving a session must not import Playwright.
    from playwright._impl._api_structures import Cookie as PlaywrightCookie
    from playwright._impl._api_structures import SetCookieParam

    from linkpilot.engine.browser.origin import Origin

SameSite = Literal["Strict", "Lax", "None"]
LI_AT = "li_at"
# The cookies the site rotates; a change in either is worth saving back.
WATCHED = frozenset({LI_AT, "JSESSIONID"})
LINKEDIN = "linkedin.com"


@dataclass(frozen=True)
class Cookie:
    name: str
    # Never in a repr: reprs end up in logs and tracebacks.
    value: str = field(repr=False)
    domain: str
    path: str = "/"
    expires: float | None = None
    http_only: bool = False
    secure: bool = False
    same_site: SameSite | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "domain": self.domain,
            "path": self.path,
            "expires": self.expires,
            "httpOnly": self.http_only,
            "secure": self.secure,
            "sameSite": self.same_site,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cookie:
        return cls(
            name=str(data["name"]),
            value=str(data["value"]),
            domain=str(data["domain"]),
            path=str(data.get("path") or "/"),
            expires=float(data["expires"]) if data.get("expires") is not None else None,
            http_only=bool(data.get("httpOnly", False)),
            secure=bool(data.get("secure", False)),
            same_site=cast(SameSite | None, data.get("sameSite")),
        )

    @classmethod
    def from_playwright(cls, data: PlaywrightCookie) -> Cookie:
        expires = data.get("expires")
        return cls(
            name=data.get("name", ""),
            value=data.get("value", ""),
            domain=data.get("domain", ""),
            path=data.get("path", "/"),
            expires=float(expires) if expires is not None and expires >= 0 else None,
            http_only=bool(data.get("httpOnly", False)),
            secure=bool(data.get("secure", False)),
            same_site=data.get("sameSite"),
        )

    def for_origin(self, origin: Origin) -> SetCookieParam:
        """The cookie as the browser must hold it to send it to ``origin``."""
        domain = self.domain if covers(self.domain, origin.host) else origin.host
        secure = self.secure and origin.scheme == "https"
        same_site: SameSite = self.same_site or "Lax"
        if same_site == "None" and not secure:
            # Chromium drops SameSite=None cookies that are not Secure (plain-http practice site).
            same_site = "Lax"
        param: SetCookieParam = {
            "name": self.name,
            "value": self.value,
            "domain": domain,
            "path": self.path or "/",
            "httpOnly": self.http_only,
            "secure": secure,
            "sameSite": same_site,
        }
        if self.expires is not None:
            param["expires"] = self.expires
        return param


def covers(domain: str, host: str) -> bool:
    """Would a cookie set for ``domain`` be sent to ``host``?"""
    bare = domain.lstrip(".").lower()
    return bool(bare) and (host == bare or host.endswith("." + bare))


def is_site_cookie(domain: str, origin: Origin) -> bool:
    """A cookie of LinkedIn (any of its hosts) or of the configured origin's host."""
    return (
        covers(domain, origin.host)
        or covers(domain, "www." + LINKEDIN)
        or domain.lstrip(".").lower() == LINKEDIN
    )


def watched_values(cookies: list[Cookie]) -> dict[str, str]:
    return {c.name: c.value for c in cookies if c.name in WATCHED}
