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
from linkpilot.common.text import strip_controls


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
    logged_in: tuple[str, ...]
    states: tuple[StateMarkers, ...]

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
    return Markers(logged_in=tuple(data["logged_in"]), states=tuple(states))


@cache
def load_markers() -> Markers:
    text = resources.files("linkpilot.engine").joinpath("page_markers.json").read_text(encoding="utf-8")
    return parse_markers(json.loads(text))


@dataclass(frozen=True)
class PageFacts:
    url: str
    found: frozenset[str]
    texts: tuple[str, ...]

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"


# One round trip: which marker selectors exist, and the short texts worth reading.
PROBE = """(selectors) => ({
  found: selectors.filter((s) => { try { return document.querySelector(s) !== null; } catch (e) { return false; } }),
  texts: [document.title, ...Array.from(
    document.querySelectorAll('h1, h2, [role=alert], [role=alertdialog], .artdeco-inline-feedback'),
    (el) => (el.textContent || '').trim().slice(0, 300))].filter((t) => t).slice(0, 80),
})"""


async def probe(page: Page, markers: Markers | None = None) -> PageFacts:
    markers = markers or load_markers()
    raw = await page.evaluate(PROBE, markers.selectors)
    return PageFacts(
        url=page.url, found=frozenset(raw["found"]), texts=tuple(_plain(t) for t in raw["texts"])
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
    if not facts.found.intersection(markers.logged_in):
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
