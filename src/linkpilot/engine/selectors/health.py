"""`linkpilot selectors check`: open the pages each key lives on and say how every key resolves.

Besides the keys, each list page is read the way the campaigns read it (every item, every
page of the list) and the items that could not be read are counted; a page with missing
required keys or unread items gets a diagnostic copy under `home/diagnostics/`.

Nothing is sent or withdrawn: the message dialog is opened and closed again, the withdraw
confirmation is opened and cancelled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from linkpilot.common.clock import Clock, utc_now
from linkpilot.engine.actions.base import Timeouts
from linkpilot.engine.actions.manager import ActionManager
from linkpilot.engine.actions.outcomes import Navigation, UnreadItem
from linkpilot.engine.diagnostics import save_diagnostic
from linkpilot.engine.selectors.engine import Scope, SelectorEngine, Via

# At most this many parent elements are searched for a child key (cards, sections...).
MAX_SCOPES = 12
# Search results read by the check: a page's worth.
SEARCH_RESULTS = 10

PAGE_PATHS = {
    "feed": "/feed/",
    "search": "/search/results/people/?keywords=&origin=FACETED_SEARCH",
}


class KeyStatus(StrEnum):
    CANDIDATE = "candidate"
    LEARNED = "learned"
    HEURISTIC = "heuristic"
    MISSING = "missing"


@dataclass(frozen=True)
class KeyHealth:
    key: str
    page: str
    required: bool
    status: KeyStatus
    candidate: str | None = None
    layer: str | None = None  # the heuristic layer that found it, when one did

    @property
    def found(self) -> bool:
        return self.status is not KeyStatus.MISSING


@dataclass(frozen=True)
class PageReading:
    """A list page read as the campaigns read it: items read, items that could not be."""

    items: int
    unread: int = 0
    missing: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class HealthReport:
    keys: tuple[KeyHealth, ...]
    page_errors: dict[str, str] = field(default_factory=dict)
    readings: dict[str, PageReading] = field(default_factory=dict)
    diagnostics: dict[str, str] = field(default_factory=dict)  # page -> diagnostic copy

    @property
    def ok(self) -> bool:
        return (
            not self.page_errors
            and all(k.found for k in self.keys if k.required)
            and not any(r.unread for r in self.readings.values())
        )

    @property
    def missing_required(self) -> tuple[str, ...]:
        return tuple(k.key for k in self.keys if k.required and not k.found)


class SelectorHealth:
    def __init__(
        self,
        page: Page,
        selectors: SelectorEngine,
        origin: str,
        *,
        timeout_ms: float = 5_000,
        home: Path | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.page = page
        self.selectors = selectors
        self.origin = origin.rstrip("/")
        self.timeout_ms = timeout_ms
        self.home = home
        self.clock = clock
        self.actions = ActionManager(
            page, selectors, origin, timeouts=Timeouts(element_ms=timeout_ms, settle_ms=timeout_ms)
        )
        self.results: dict[str, KeyHealth] = {}
        self.page_errors: dict[str, str] = {}
        self.readings: dict[str, PageReading] = {}
        self.diagnostics: dict[str, str] = {}
        self._scopes: dict[str, list[Scope]] = {}

    def keys_on(self, page_name: str) -> list[str]:
        return [k for k, spec in self.selectors.catalog.items() if spec.page == page_name]

    async def goto(self, page_name: str, path: str) -> bool:
        try:
            response = await self.page.goto(self.origin + path, wait_until="load")
        except PlaywrightError as exc:
            self.page_errors[page_name] = str(exc).splitlines()[0]
            return False
        if response is not None and response.status >= 400:
            self.page_errors[page_name] = f"HTTP {response.status} for {path}"
            return False
        return True

    async def scopes(self, key: str | None) -> list[Scope]:
        """The elements a key is looked for in (its `within` key's, up to MAX_SCOPES)."""
        if key is None:
            return [self.page]
        cached = self._scopes.get(key)
        if cached is not None:
            return cached
        found = await self._scopes_of(key)
        self._scopes[key] = found
        return found

    async def _scopes_of(self, key: str) -> list[Scope]:
        spec = self.selectors.spec(key)
        out: list[Scope] = []
        for parent in await self.scopes(spec.within):
            found = await self.selectors.resolve(key, parent, pick="all")
            if found is not None:
                pick = spec.pick
                if pick == "all":
                    out.extend(found.locator.nth(i) for i in range(min(found.count, MAX_SCOPES)))
                else:
                    out.append(found.locator.last if pick == "last" else found.locator.first)
            if len(out) >= MAX_SCOPES:
                break
        return out[:MAX_SCOPES]

    async def check_key(self, key: str) -> KeyHealth:
        spec = self.selectors.spec(key)
        for scope in await self.scopes(spec.within):
            found = await self.selectors.resolve(key, scope, pick="all")
            if found is not None:
                status = {Via.CANDIDATE: KeyStatus.CANDIDATE, Via.LEARNED: KeyStatus.LEARNED}.get(
                    found.via, KeyStatus.HEURISTIC
                )
                return KeyHealth(key, spec.page, spec.required, status, found.candidate, found.layer)
        return KeyHealth(key, spec.page, spec.required, KeyStatus.MISSING)

    async def check_keys(self, keys: Iterable[str]) -> None:
        self._scopes.clear()  # another page, or the same one changed: scopes are found again
        for key in keys:
            self.results[key] = await self.check_key(key)

    async def first_messageable_card_slug(self) -> str | None:
        for card in await self.scopes("birthday.card"):
            button = await self.selectors.resolve("birthday.card.message_button", card)
            link = await self.selectors.resolve("birthday.card.name_link", card)
            if button is None or link is None:
                continue
            href = await link.locator.get_attribute("href") or ""
            await button.locator.click()
            dialog = await self.selectors.resolve("message.dialog", self.page, timeout_ms=self.timeout_ms)
            if dialog is None:
                return None
            await self.check_keys(self.keys_on("dialog"))
            close = await self.selectors.resolve("message.close", dialog.locator)
            if close is not None:
                await close.locator.click()
            return href.split("/in/", 1)[1].split("/", 1)[0] if "/in/" in href else None
        return None

    async def open_withdraw_dialog(self) -> None:
        for card in (await self.scopes("invitation.card"))[:1]:
            button = await self.selectors.resolve("invitation.withdraw", card)
            if button is None:
                return
            await button.locator.click()
            dialog = await self.selectors.resolve("invitation.dialog", self.page, timeout_ms=self.timeout_ms)
            if dialog is None:
                return
            await self.check_keys(self.keys_on("withdraw_dialog"))
            cancel = await self.selectors.resolve("invitation.cancel", dialog.locator)
            if cancel is not None:
                await cancel.locator.click()

    def reading(self, name: str, navigation: Navigation, items: int, unread: Sequence[UnreadItem]) -> bool:
        """Record how a list page read; False when it did not load."""
        if not navigation.ok:
            self.page_errors[name] = navigation.detail or navigation.status.value
            return False
        missing = Counter(key for item in unread for key in item.missing)
        self.readings[name] = PageReading(items, len(unread), dict(missing))
        return True

    async def keep_copy(self, name: str) -> None:
        """A diagnostic copy of the page shown, if anything on it was missing or unread."""
        reading = self.readings.get(name)
        missing = [
            k
            for k in self.keys_on(name)
            if k in self.results and self.results[k].required and not self.results[k].found
        ]
        if self.home is None or not (missing or (reading is not None and reading.unread)):
            return
        details = {"missing_keys": missing, "unread": reading.missing if reading is not None else {}}
        copy = await save_diagnostic(self.page, self.home, f"check-{name}", details, now=self.clock())
        self.diagnostics[name] = str(copy.html)

    async def run(self) -> HealthReport:
        if await self.goto("feed", PAGE_PATHS["feed"]):
            await self.check_keys(self.keys_on("feed"))
            await self.keep_copy("feed")
        slug = None
        birthdays = await self.actions.read_birthday_page()
        if self.reading("birthday", birthdays.navigation, len(birthdays.cards), birthdays.unread):
            await self.check_keys(self.keys_on("birthday"))
            await self.keep_copy("birthday")
            slug = await self.first_messageable_card_slug()
        if slug is None:
            self.page_errors.setdefault("profile", "no 1st-degree birthday card to take a profile from")
        elif await self.goto("profile", f"/in/{slug}/"):
            await self.check_keys(self.keys_on("profile"))
            await self.keep_copy("profile")
        # A page's worth of results checks the keys; a search that scrolls on is not read to its end.
        search = await self.actions.read_search_page(PAGE_PATHS["search"], enough=SEARCH_RESULTS)
        if self.reading("search", search.navigation, len(search.results), search.unread):
            await self.check_keys(self.keys_on("search"))
            await self.keep_copy("search")
        invitations = await self.actions.read_sent_invitations()
        if self.reading(
            "invitations", invitations.navigation, len(invitations.invitations), invitations.unread
        ):
            await self.check_keys(self.keys_on("invitations"))
            await self.keep_copy("invitations")
            await self.open_withdraw_dialog()
        await self.selectors.flush()
        keys = tuple(
            self.results.get(key) or KeyHealth(key, spec.page, spec.required, KeyStatus.MISSING)
            for key, spec in self.selectors.catalog.items()
        )
        return HealthReport(keys, dict(self.page_errors), dict(self.readings), dict(self.diagnostics))


async def check_selectors(page: Page, selectors: SelectorEngine, origin: str, **options: Any) -> HealthReport:
    """Run the check (options: `timeout_ms`, `home` for diagnostic copies, `clock`)."""
    return await SelectorHealth(page, selectors, origin, **options).run()
