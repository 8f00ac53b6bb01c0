"""Signing in with email and password, one operator-answered step at a time.

``LoginFlow`` drives its own browser on the configured origin: it fills the sign-in form,
reads whatever comes next (a PIN by email or SMS, an app approval, a choice of method, a
captcha) as a typed ``Step``, and takes the operator's answer. It never types into a captcha.
On success the browser's cookies become the stored session, encrypted exactly as
``session import`` stores one; until then the old session file is not touched. ``resume``
does the same from the stored session instead of a password, for a checkpoint met while
acting (the breaker opened on it).

The browser uses its own profile folder, removed on close, so a sign-in can run while a
campaign holds the main profile, and no second copy of the cookies stays on disk.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from types import TracebackType
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from linkpilot.common.clock import utc_now
from linkpilot.common.errors import BadInput
from linkpilot.common.settings import Settings
from linkpilot.engine.browser.context import BrowserSession
from linkpilot.engine.browser.errors import BrowserError
from linkpilot.engine.login.pages import ANOTHER_WAY_SELECTORS, ANOTHER_WAY_TEXTS, LoginPage, read_login_page
from linkpilot.engine.login.steps import (
    CAPTCHA_INSTRUCTIONS,
    Answer,
    Approval,
    Captcha,
    ChooseMethod,
    Done,
    Failed,
    NeedPin,
    Step,
    WaitingForApproval,
    finished,
)
from linkpilot.engine.pacing import wait_until
from linkpilot.engine.page_state import (
    Authwall,
    LoggedOut,
    RateLimited,
    Restricted,
    classify,
    probe,
)
from linkpilot.engine.page_state import Captcha as CaptchaPage
from linkpilot.engine.session.cookies import LI_AT, Cookie
from linkpilot.engine.session.store import SessionStore, StoredSession

log = logging.getLogger("linkpilot.engine.login")

LOGIN = "/login"
FEED = "/feed/"
PROFILE = "browser-login"
PIN = re.compile(r"\d{4,8}")


@dataclass(frozen=True)
class LoginTimeouts:
    page_s: float = 30.0  # one page load or form submission
    approval_s: float = 300.0  # the whole wait for the app approval
    poll_interval_s: float = 3.0  # between two looks at the approval page
    max_pins: int = 5  # PINs LinkPilot submits in one sign-in before it gives up itself


class LoginFlow:
    """``async with LoginFlow(settings) as flow: step = await flow.start(email, password)``.

    Then, until ``finished(step)``: show the step, ``step = await flow.answer(step, value)``
    (a PIN string, a ``ChooseMethod`` option key, or an ``Approval``). ``wait_for_approval``
    polls a ``WaitingForApproval`` step until it turns into something else or ``stop`` is set.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        store: SessionStore | None = None,
        timeouts: LoginTimeouts | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.store = store or SessionStore(settings)
        self.timeouts = timeouts or LoginTimeouts()
        self.clock = clock
        self.current: Step | None = None
        self.pins_submitted = 0
        self.polls = 0
        self._browser: BrowserSession | None = None
        self._closing: asyncio.Future[None] | None = None
        self._page: Page | None = None
        self._info: LoginPage | None = None
        self._approval_started: float | None = None
        self._secret = ""
        self._resumed: StoredSession | None = None

    async def __aenter__(self) -> LoginFlow:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        browser, self._browser = self._browser, None
        self._page = None
        if browser is not None:
            self._closing = asyncio.ensure_future(self._close_browser(browser))
        if self._closing is not None:
            # Shielded: a close cancelled half-way (the console quitting under a sign-in that
            # just ended) goes on, and the engine's own close of the flow waits for its end.
            await asyncio.shield(self._closing)

    @staticmethod
    async def _close_browser(browser: BrowserSession) -> None:
        await browser.close()
        await asyncio.to_thread(shutil.rmtree, browser.user_data_dir, True)

    # The steps ---------------------------------------------------------------------------

    async def start(self, email: str, password: str) -> Step:
        """Open the sign-in page and submit the credentials; the password is kept nowhere."""
        if self.current is not None:
            raise RuntimeError("this sign-in has started already")
        if not email.strip() or not password:
            raise BadInput("login: the email and the password must not be empty")
        self._secret = password
        try:
            return await self._guarded(lambda: self._sign_in(email.strip(), password))
        finally:
            self._secret = ""

    async def resume(self) -> Step:
        """Open the feed with the stored session, to answer the checkpoint met while acting.

        No email or password: the session is kept if the site lets it through (its cookies
        saved back, checked valid). NoSession when there is no stored session to resume.
        """
        if self.current is not None:
            raise RuntimeError("this sign-in has started already")
        stored = await asyncio.to_thread(self.store.load)
        self._resumed = stored
        return await self._guarded(lambda: self._open_feed(stored.cookies))

    async def answer(self, step: Step, value: Answer) -> Step:
        if step is not self.current:
            raise RuntimeError("answer the flow's current step")
        if isinstance(step, NeedPin):
            if value is Approval.ANOTHER_WAY and step.can_try_another_way:
                return await self._guarded(self._another_way)
            if isinstance(value, Approval):
                raise ValueError("a PIN step takes the PIN, or Approval.ANOTHER_WAY")
            return await self._guarded(lambda: self._pin(step, value))
        if isinstance(step, WaitingForApproval):
            if value is Approval.POLL:
                return await self._guarded(self._poll)
            if value is Approval.ANOTHER_WAY and step.can_try_another_way:
                return await self._guarded(self._another_way)
            raise ValueError("an approval step takes Approval.POLL, or Approval.ANOTHER_WAY when offered")
        if isinstance(step, ChooseMethod):
            keys = [o.key for o in step.options]
            if isinstance(value, Approval) or value not in keys:
                raise ValueError(f"choose one of {keys}")
            return await self._guarded(lambda: self._choose(value))
        raise ValueError(f"{type(step).__name__} takes no answer")

    async def wait_for_approval(self, step: WaitingForApproval, stop: asyncio.Event | None = None) -> Step:
        """Poll until the step changes (approved, another page, timeout) or ``stop`` is set."""
        stop = stop or asyncio.Event()
        current: Step = step
        while isinstance(current, WaitingForApproval) and not stop.is_set():
            pause = max(0.0, min(current.poll_interval_s, current.seconds_left))
            if not await wait_until(utc_now() + timedelta(seconds=pause), utc_now, stop, step_s=pause or 1):
                break
            current = await self.answer(current, Approval.POLL)
        return current

    async def screenshot(self) -> bytes:
        """The page as the browser shows it, for a front end that can draw pictures."""
        if self._page is None:
            raise RuntimeError("no page: the sign-in has not started or is closed")
        return await self._page.screenshot(type="png")

    # Driving the browser -----------------------------------------------------------------

    async def _guarded(self, action: Callable[[], Awaitable[Step]]) -> Step:
        """Browser trouble becomes a Failed step, never an exception, and never shows the password."""
        try:
            step = await action()
        except PlaywrightTimeout:
            step = Failed("timeout", f"the site did not answer within {self.timeouts.page_s:g} s")
        except BrowserError as exc:
            step = Failed("timeout" if "Timeout" in exc.message else "site", self._redact(exc.message))
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            step = Failed("site", self._redact(f"the browser failed: {first}"))
        self.current = step
        if isinstance(step, Failed):
            log.warning("sign-in failed (%s): %s", step.kind, step.reason)
        elif finished(step):
            log.info("sign-in ended: %s", type(step).__name__)
        return step

    def _redact(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text

    async def _open(self, cookies: Sequence[Cookie] = ()) -> BrowserSession:
        # No cookies for a sign-in: it starts logged out, whatever the stored session holds.
        # No sink: nothing may reach the session file before the flow is done.
        browser = BrowserSession(self.settings, cookies=cookies, timeout_ms=self.timeouts.page_s * 1000)
        browser.user_data_dir = self.settings.home / PROFILE
        await asyncio.to_thread(shutil.rmtree, browser.user_data_dir, True)
        self._browser = browser
        await browser.start()
        return browser

    async def _sign_in(self, email: str, password: str) -> Step:
        browser = await self._open()
        page = await browser.goto(LOGIN, check=False)
        self._page = page
        if await page.locator("#password").count() == 0:
            return await self._read("start")
        await page.fill("#username", email)
        await page.fill("#password", password)
        await self._submit("form:has(#password)")
        log.info("sign-in: credentials submitted")
        return await self._read("password")

    async def _open_feed(self, cookies: Sequence[Cookie]) -> Step:
        browser = await self._open(cookies)
        self._page = await browser.goto(FEED, check=False)
        return await self._read("resume")

    async def _pin(self, step: NeedPin, value: str) -> Step:
        pin = "".join(value.split())
        if not PIN.fullmatch(pin):
            return replace(step, error="a PIN is 4 to 8 digits; nothing was sent")
        if self.pins_submitted >= self.timeouts.max_pins:
            return Failed("too_many_attempts", f"{self.pins_submitted} PINs tried; start the sign-in again")
        info = self._info
        selector = f"#{info.pin_id}" if info is not None and info.pin_id else "input[name=pin]"
        page = self._current_page()
        await page.fill(selector, pin)
        self.pins_submitted += 1
        await self._submit(f"form:has({selector})")
        return await self._read("pin")

    async def _choose(self, key: str) -> Step:
        page = self._current_page()
        radio = page.locator(f"input[type=radio][value={_css_string(key)}]")
        await radio.check()
        await self._submit("form:has(input[type=radio])")
        return await self._read("choose")

    async def _another_way(self) -> Step:
        page = self._current_page()
        texts = "|".join(re.escape(t) for t in ANOTHER_WAY_TEXTS)
        link = page.locator(", ".join(ANOTHER_WAY_SELECTORS)).or_(
            page.get_by_text(re.compile(rf"^\s*({texts})\s*$", re.IGNORECASE))
        )
        async with page.expect_navigation(wait_until="domcontentloaded"):
            await link.first.click()
        await self._verify(page)
        return await self._read("another_way")

    async def _poll(self) -> Step:
        if self._approval_over():
            return self._approval_timeout()
        self.polls += 1
        page = self._current_page()
        path = urlsplit(page.url).path or "/"
        assert self._browser is not None
        await self._browser.goto(path, page=page, check=False)
        step = await self._read("poll")
        if isinstance(step, WaitingForApproval) and self._approval_over():
            return self._approval_timeout()
        return step

    def _approval_over(self) -> bool:
        started = self._approval_started
        return started is not None and self.clock() - started >= self.timeouts.approval_s

    def _approval_timeout(self) -> Failed:
        return Failed(
            "timeout", f"the sign-in was not approved in the app within {self.timeouts.approval_s:g} s"
        )

    async def _submit(self, form: str) -> None:
        page = self._current_page()
        async with page.expect_navigation(wait_until="domcontentloaded"):
            await page.locator(f"{form} button[type=submit]").first.click()
        await self._verify(page)

    async def _verify(self, page: Page) -> None:
        assert self._browser is not None
        await self._browser.verify(page, check=False)

    def _current_page(self) -> Page:
        if self._page is None:
            raise RuntimeError("no page: the sign-in has not started or is closed")
        return self._page

    # Reading where we are ----------------------------------------------------------------

    async def _read(self, after: str) -> Step:
        page = self._current_page()
        facts = await probe(page)
        trouble = classify(facts)
        if isinstance(trouble, RateLimited) and facts.logged_in():
            # A limit banner on a logged-in page: the campaigns' business, not the sign-in's.
            trouble = None
        if trouble is None:
            if facts.path.rstrip("/") == FEED.rstrip("/"):
                return await self._finish()
            if after == "feed":
                return Failed("site", f"signed in, but the feed did not open ({facts.path})")
            assert self._browser is not None
            await self._browser.goto(FEED, page=page, check=False)
            return await self._read("feed")
        if isinstance(trouble, CaptchaPage):
            info = await read_login_page(page)
            # Seen, reported, never touched: not one keystroke goes into a captcha page.
            return Captcha(CAPTCHA_INSTRUCTIONS, info.prompt or trouble.message)
        if isinstance(trouble, Restricted):
            return Failed("restricted", trouble.message)
        if isinstance(trouble, RateLimited):
            return Failed("blocked", trouble.message)
        info = await read_login_page(page)
        self._info = info
        # The sign-in form again, under whatever path (LinkedIn posts it to /checkpoint/lg/...).
        if isinstance(trouble, LoggedOut | Authwall) or info.login_form:
            if self._resumed is not None:
                return Failed(
                    "logged_out", "the stored session is not valid any more: sign in with `linkpilot login`"
                )
            if info.alerts:
                return Failed("wrong_password" if after == "password" else "rejected", info.alerts[0])
            return Failed("site", f"the site went back to the sign-in page ({facts.path})")
        # A checkpoint: which one?
        if info.options:
            return ChooseMethod(info.prompt, info.options)
        if info.has_pin:
            return NeedPin(
                channel=info.pin_channel,
                prompt=info.prompt,
                fields=info.fields,
                error=info.alerts[0] if info.alerts and after == "pin" else None,
                attempts_left=max(0, self.timeouts.max_pins - self.pins_submitted),
                can_try_another_way=info.another_way,
            )
        if info.asks_for_app:
            if self._approval_started is None:
                self._approval_started = self.clock()
            left = self.timeouts.approval_s - (self.clock() - self._approval_started)
            return WaitingForApproval(
                prompt=info.prompt,
                can_try_another_way=info.another_way,
                polls=self.polls,
                seconds_left=max(0.0, left),
                poll_interval_s=self.timeouts.poll_interval_s,
            )
        return Failed("blocked", f"a checkpoint LinkPilot cannot answer: {info.heading or trouble.path}")

    async def _finish(self) -> Step:
        """The feed opened logged in: keep its cookies as the session, checked valid now."""
        assert self._browser is not None
        cookies = await self._browser.cookies()
        if not any(c.name == LI_AT for c in cookies):
            return Failed("site", "signed in, but the site set no li_at cookie")
        now = utc_now()
        if self._resumed is not None:
            # The same session, let through again: keep where it came from.
            stored = replace(
                self._resumed, cookies=tuple(cookies), checked_at=now, check_result="valid", refreshed_at=now
            )
        else:
            stored = StoredSession(
                cookies=tuple(cookies), source="login", imported_at=now, checked_at=now, check_result="valid"
            )
        await asyncio.to_thread(self.store.save, stored)
        log.info("sign-in complete: session saved (%d cookies)", len(cookies))
        return Done(stored.status(now), len(cookies))


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
