"""Is this a normal logged-in page? Login walls, checkpoints, captchas, restrictions, limits.

The markers are data (``page_markers.json``), in English and French; this module only reads
the page once and classifies what it found. Each finding is a typed error carrying the URL
path (never the query, which may hold tokens) and whether the breaker must trip hard.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, ClassVar
from urllib.parse import urlsplit

from playwright.async_api import Page

from linkpilot.common.errors import ExitCode, LinkPilotError
from linkpilot.common.text import counted, strip_controls


class PageBlocked(LinkPilotError):
    """The site answered with something other than the page asked for."""

    kind: ClassVar[str] = "blocked"
    hard: ClassVar[bool] = True
    exit_code = ExitCode.BREAKER_OPEN
    what: ClassVar[str] = "a page that blocks the account"

    def __init__(self, path: str, evidence: str = "") -> None:
        self.path = path
        self.evidence = evidence
        because = f" ({evidence})" if evidence else ""
        super().__init__(f"{self.what} at {path}{because}")


class LoggedOut(PageBlocked):
    kind = "logged_out"
    hard = False
    exit_code = ExitCode.NO_SESSION
    what = "logged out: the session is not valid any more; import a fresh one with `linkpilot session import`"


class Authwall(PageBlocked):
    kind = "authwall"
    hard = False
    exit_code = ExitCode.NO_SESSION
    what = "the sign-in wall: the session is not valid any more"


class Checkpoint(PageBlocked):
    kind = "checkpoint"
    what = "a security checkpoint: sign in from your own browser and clear it"


class Captcha(PageBlocked):
    kind = "captcha"
    what = "a captcha: sign in from your own browser and solve it"


class Restricted(PageBlocked):
    kind = "restricted"
    what = "the account is restricted"


class RateLimited(PageBlocked):
    kind = "rate_limited"
    hard = False
    what = "a limit warning from the site"


ERRORS: dict[str, type[PageBlocked]] = {
    cls.kind: cls for cls in (LoggedOut, Authwall, Checkpoint, Captcha, Restricted, RateLimited)
}


@dataclass(frozen=True)
class StateMarkers:
    kind: str
    paths: tuple[str, ...]
    selectors: tuple[str, ...]
    texts: tuple[tuple[str, re.Pattern[str]], ...]


@dataclass(frozen=True)
class Markers:
    logged_in: tuple[str, ...]  # selectors: a fast first guess, never the only sign
    states: tuple[StateMarkers, ...]
    me_menu: tuple[str, ...] = ()  # the member's menu in the global navigation: "Me", "Vous"

    @property
    def selectors(self) -> list[str]:
        return [*self.logged_in, *(s for state in self.states for s in state.selectors)]


def _words(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(_plain(text))}(?!\w)", re.IGNORECASE)


def _plain(text: str) -> str:
    return " ".join(strip_controls(text).replace("’", "'").replace("\u00a0", " ").split())


def _segments(path: str) -> str:
    return path.rstrip("/").lower() + "/"


def parse_markers(data: dict[str, Any]) -> Markers:
    states = []
    for raw in data["states"]:
        if raw["kind"] not in ERRORS:
            raise ValueError(f"unknown page state {raw['kind']!r}")
        texts = [t for language in raw.get("texts", {}).values() for t in language]
        states.append(
            StateMarkers(
                kind=raw["kind"],
                paths=tuple(_segments(p) for p in raw.get("paths", [])),
                selectors=tuple(raw.get("selectors", [])),
                texts=tuple((t, _words(t)) for t in texts),
            )
        )
    me_menu = tuple(t for language in data.get("me_menu", {}).values() for t in language)
    return Markers(logged_in=tuple(data["logged_in"]), states=tuple(states), me_menu=me_menu)


@cache
def load_markers() -> Markers:
    text = resources.files("linkpilot.engine").joinpath("page_markers.json").read_text(encoding="utf-8")
    return parse_markers(json.loads(text))


@dataclass(frozen=True)
class PageFacts:
    url: str
    found: frozenset[str]
    texts: tuple[str, ...]
    # How the page says, by meaning, that a member is signed in; None when it does not.
    signed_in: str | None = None

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    def logged_in(self) -> bool:
        """The page's own signs only (the navigation with the member's profile link or menu):
        a marker class or id names a layout, and any page may carry one (`page_markers.json`'s
        `logged_in` list stays a fast first look for `selectors check`, never the verdict)."""
        return self.signed_in is not None


# One round trip: which marker selectors exist, the short texts worth reading, and whether a
# navigation landmark carries the member's own signs (their profile link, their "Me" menu).
PROBE = """([selectors, me]) => {
  const tidy = (t) => (t || "").replace(/\\s+/g, " ").trim().toLowerCase();
  const mine = new Set(me.map(tidy));
  let signedIn = null;
  for (const land of document.querySelectorAll("header, nav, [role=banner], [role=navigation]")) {
    if (land.querySelector("a[href*='/in/']")) { signedIn = "the member's profile link in the navigation"; break; }
    for (const control of land.querySelectorAll("button, a, [role=button]")) {
      const lines = (control.innerText || "").split("\\n").map(tidy);
      if (mine.has(tidy(control.getAttribute("aria-label"))) || lines.some((line) => mine.has(line))) {
        signedIn = "the member's menu in the navigation";
        break;
      }
    }
    if (signedIn) { break; }
  }
  return {
    found: selectors.filter((s) => { try { return document.querySelector(s) !== null; } catch (e) { return false; } }),
    texts: [document.title, ...Array.from(
      document.querySelectorAll('h1, h2, [role=alert], [role=alertdialog], .artdeco-inline-feedback'),
      (el) => (el.textContent || '').trim().slice(0, 300))].filter((t) => t).slice(0, 80),
    signedIn,
  };
}"""


async def probe(page: Page, markers: Markers | None = None) -> PageFacts:
    markers = markers or load_markers()
    raw = await page.evaluate(PROBE, [markers.selectors, list(markers.me_menu)])
    return PageFacts(
        url=page.url,
        found=frozenset(raw["found"]),
        texts=tuple(_plain(t) for t in raw["texts"]),
        signed_in=raw["signedIn"],
    )


def classify(facts: PageFacts, markers: Markers | None = None) -> PageBlocked | None:
    """The first trouble the facts show, or None for a normal logged-in page."""
    markers = markers or load_markers()
    if urlsplit(facts.url).scheme not in ("http", "https"):
        return None
    path = facts.path
    segments = _segments(path)
    for state in markers.states:
        evidence = _evidence(state, segments, facts)
        if evidence is not None:
            return ERRORS[state.kind](path, evidence)
    if not facts.logged_in():
        return LoggedOut(path, "no sign of a logged-in page")
    return None


def _evidence(state: StateMarkers, segments: str, facts: PageFacts) -> str | None:
    for prefix in state.paths:
        if segments.startswith(prefix):
            return f"path {prefix}"
    for selector in state.selectors:
        if selector in facts.found:
            return f"element {selector}"
    texts = [_plain(text) for text in facts.texts]
    for marker, pattern in state.texts:
        if any(pattern.search(text) for text in texts):
            return f"text {marker!r}"
    return None


async def check_page(page: Page, markers: Markers | None = None) -> PageFacts:
    """Raise the matching PageBlocked error, or return what was seen on a normal page."""
    facts = await probe(page, markers)
    trouble = classify(facts, markers)
    if trouble is not None:
        raise trouble
    return facts


class PageUnreadable(LinkPilotError):
    """A page the campaign needs could not be read (it did not load, or it shows items whose
    facts the engine cannot read): nothing is done.

    Raised before anyone is acted on; the runner stops with `page_unreadable` (exit 4) and the
    breaker counts it. `missing` counts, per selector key, the items it failed on.
    """

    exit_code = ExitCode.BREAKER_OPEN

    def __init__(
        self,
        page: str,
        path: str,
        *,
        missing: dict[str, int] | None = None,
        items: int = 0,
        unread: int = 0,
        failure: str | None = None,
        diagnostic: str | None = None,
    ) -> None:
        self.page = page
        self.path = path
        self.missing = dict(missing or {})
        self.items = items
        self.unread = unread
        self.failure = failure
        self.diagnostic = diagnostic
        if failure is not None:
            what = f"could not be read ({failure})"
        else:
            keys = ", ".join(f"{key} on {count}" for key, count in sorted(self.missing.items()))
            what = f"shows {unread} of {counted(items, 'item')} LinkPilot cannot read ({keys})"
        copy = f"; a copy of the page is in {diagnostic}" if diagnostic else ""
        super().__init__(f"the {page} page at {path} {what}: nothing was done{copy}")

    def as_json(self) -> dict[str, object]:
        return {
            "page": self.page,
            "path": self.path,
            "items": self.items,
            "unread": self.unread,
            "missing": self.missing,
            "failure": self.failure,
            "diagnostic": self.diagnostic,
        }
