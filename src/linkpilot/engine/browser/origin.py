"""The origin guard's policy: which URLs the browser may ask for, and a record of refusals.

One origin is allowed: the configured LinkedIn origin (scheme, host and port must all
match). On that origin the practice site's admin API is refused too, because the engine
must never read or change what the site records about it.
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

log = logging.getLogger("linkpilot.engine.browser")

ADMIN_PREFIX = "/__admin/"
# Browser-internal documents that never touch the network.
INTERNAL_SCHEMES = frozenset({"about", "data", "blob"})
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
WS_SCHEMES = {"ws": "http", "wss": "https"}


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def parse(cls, url: str) -> Origin:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) origin: {url!r}")
        return cls(scheme, parts.hostname.lower(), parts.port or DEFAULT_PORTS[scheme])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.port == DEFAULT_PORTS[self.scheme]:
            return f"{self.scheme}://{host}"
        return f"{self.scheme}://{host}:{self.port}"

    def owns(self, url: str) -> bool:
        """True when ``url`` is on this very origin (websockets count as their http twin)."""
        try:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            scheme = WS_SCHEMES.get(scheme, scheme)
            port = parts.port or DEFAULT_PORTS.get(scheme)
        except ValueError:
            return False
        host = (parts.hostname or "").lower()
        return scheme == self.scheme and host == self.host and port == self.port

    def owns_authority(self, host: str, port: int) -> bool:
        return host.lower().strip("[]") == self.host and port == self.port


@dataclass(frozen=True)
class Refusal:
    url: str
    reason: str
    layer: str


def redact(url: str) -> str:
    """Scheme, host and path only: query strings may carry tokens, and logs are long-lived."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if parts.scheme in INTERNAL_SCHEMES:
        return f"{parts.scheme}:…"
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


class OriginGuard:
    """Decides, counts and logs. Shared by the route handler and the forward proxy."""

    def __init__(self, origin: str, *, keep: int = 200) -> None:
        self.origin = Origin.parse(origin)
        self.refusals: deque[Refusal] = deque(maxlen=keep)
        self.counts: Counter[str] = Counter()

    @property
    def blocked(self) -> int:
        return sum(self.counts.values())

    def verdict(self, url: str) -> str | None:
        """None when ``url`` may be requested, else why not."""
        scheme = url.partition(":")[0].lower()
        if scheme in INTERNAL_SCHEMES:
            return None
        if not self.origin.owns(url):
            return "off-origin"
        # Decoded and case-folded first: the site's router decodes /%5F%5Fadmin/ to /__admin/.
        if unquote(urlsplit(url).path).lower().startswith(ADMIN_PREFIX):
            return "admin API"
        return None

    def refuse(self, url: str, reason: str, layer: str) -> None:
        shown = redact(url)
        self.refusals.append(Refusal(shown, reason, layer))
        self.counts[reason] += 1
        # What only the proxy refuses is Chromium's own background traffic (and the hops of a
        # redirect, which leave the page unloaded and so are reported as such): routine, kept
        # for -v. A request a page made is refused by the route handler first: worth a warning.
        level = logging.DEBUG if layer == "proxy" else logging.WARNING
        log.log(level, "blocked request (%s, %s): %s", reason, layer, shown)
