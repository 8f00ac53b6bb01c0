"""The sign-in screen end to end: the real engine, real headless Chromium, the practice site.

Each challenge is chosen through the site's admin API and the PIN read from it, as an
operator would read it from their mailbox. What is asserted is what the operator sees (the
screen's text and picture) and what is left on disk and in the breaker afterwards.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from textual.pilot import Pilot
from textual.widgets import Input

from linkpilot.common.clock import utc_now
from linkpilot.common.settings import Settings
from linkpilot.console.app import ConsoleApp
from linkpilot.console.screens.login import LoginScreen
from linkpilot.console.widgets.page_picture import PagePicture
from linkpilot.engine.breaker import BreakerState
from linkpilot.engine.login import LoginTimeouts
from linkpilot.engine.login.keyring import keyring_path, load_saved_login
from linkpilot.engine.runtime import Runtime, open_runtime
from linkpilot.engine.service import EngineService
from linkpilot.engine.session.store import SessionStore, StoredSession
from linkpilot.sandbox import RunningSandbox
from linkpilot.storage.contact_book import ContactBook
from tests.console.helpers import screen_text, wait_until
from tests.engine.conftest import engine_settings, sandbox_cookie
from tests.engine.login.site_admin import admin, expected_pin

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]

EMAIL = "pilot@sandbox.test"
PASSWORD = "sandbox-password"
FAST = LoginTimeouts(page_s=15, approval_s=30, poll_interval_s=0.1)
SIZE = (150, 48)
STEP_S = 45.0  # one browser round trip on a loaded machine, with room


@pytest.fixture
def site_clock() -> Callable[[], datetime]:
    return utc_now  # the product here runs on the real clock too


@pytest.fixture
def settings(tmp_path: Path, site: RunningSandbox) -> Settings:
    return engine_settings(tmp_path / "home", site.url, secret_key=Fernet.generate_key().decode())


def old_session(settings: Settings, value: str = "old-li-at-value") -> bytes:
    store = SessionStore(settings)
    store.save(
        StoredSession(
            cookies=(sandbox_cookie(value),), source="li_at", imported_at=datetime(2026, 11, 1, tzinfo=UTC)
        )
    )
    return store.path.read_bytes()


@dataclass
class Console:
    app: ConsoleApp
    pilot: Pilot[None]
    rt: Runtime
    settings: Settings

    @property
    def screen(self) -> LoginScreen:
        screen = self.app.screen
        assert isinstance(screen, LoginScreen), screen
        return screen

    def text(self) -> str:
        """The side of the screen that talks (the picture's half-blocks left out), whitespace folded."""
        region = self.screen.query_one("#login-side").region
        lines = screen_text(self.app).splitlines()[region.y : region.bottom]
        return " ".join(" ".join(line[region.x : region.right] for line in lines).split())

    async def sees(self, *texts: str, within: float = STEP_S) -> str:
        """Wait until every text shows on the screen (whitespace folded), and return the screen."""
        # Reading the whole screen is not free: look ten times a second, not a hundred.
        deadline = time.monotonic() + within
        while not all(t in self.text() for t in texts):
            if time.monotonic() > deadline:
                raise AssertionError(f"not all of {texts!r} on screen:\n{screen_text(self.app)}")
            await self.pilot.pause(0.1)
        return self.text()

    async def type_into(self, selector: str, value: str) -> None:
        field = self.screen.query_one(selector, Input)
        field.value = value
        field.focus()
        await self.pilot.pause()

    async def click(self, selector: str) -> None:
        await wait_until(self.pilot, lambda: self.screen.query_one(selector).display, STEP_S)
        await self.pilot.click(selector)

    async def sign_in(self, password: str = PASSWORD, *, save: bool = False) -> None:
        if not isinstance(self.app.screen, LoginScreen):
            await self.pilot.press(self.app.key_for("login.open"))
        await wait_until(self.pilot, lambda: isinstance(self.app.screen, LoginScreen))
        await self.type_into("#email", EMAIL)
        await self.type_into("#password", password)
        if save:
            await self.click("#save-password")
        await self.click("#sign-in")

    async def breaker(self) -> BreakerState:
        return (await self.rt.breaker.state()).state

    def picture_drawn(self) -> bool:
        picture = self.screen.query_one(PagePicture)
        return picture.image is not None and "▀" in picture.render().plain


@asynccontextmanager
async def console(
    settings: Settings, *, timeouts: LoginTimeouts = FAST, trip: bool = False
) -> AsyncIterator[Console]:
    async with open_runtime(settings) as rt:
        if trip:
            await rt.breaker.trip_hard("checkpoint")
        service = EngineService(rt, scheduled=False, login_timeouts=timeouts)
        await service.refresh()
        app = ConsoleApp(service, ContactBook(rt.db, owns_db=False), settings=settings)
        async with app.run_test(size=SIZE) as pilot:
            yield Console(app, pilot, rt, settings)
            # Leave through the screen, as an operator would: the sign-in's browser closes.
            if isinstance(app.screen, LoginScreen):
                await pilot.press("escape")
            await app.workers.wait_for_complete()
        await service.close()


async def test_pin_by_email_signs_in_and_the_picture_shows_the_page(
    settings: Settings, site: RunningSandbox
) -> None:
    await admin(site, {"challenge": "pin_email"})
    async with console(settings) as c:
        await c.sign_in()
        shown = await c.sees(
            "LinkedIn sent a PIN to your email.", "Check your email — We sent a verification"
        )
        assert "Form: " in shown
        assert "[text] #input__email_verification_pin" in shown
        assert PASSWORD not in shown
        assert not c.screen.query_one("#password", Input).value  # gone from the screen at once
        await wait_until(c.pilot, c.picture_drawn)
        await c.type_into("#pin", await expected_pin(site))
        await c.click("#send-pin")
        shown = await c.sees("Signed in.", "session: valid (checked just now)")
        assert "Close the breaker" not in shown  # it was closed: nothing to ask
        stored = SessionStore(settings).load()
        assert stored.source == "login"
        assert stored.check_result == "valid"
        assert stored.li_at is not None
        assert stored.li_at.value == site.state.current_token
        assert c.app.state.session.status == "valid"  # the dashboard heard it
    assert not keyring_path(settings).exists()  # not asked to keep the password
    assert not (settings.home / "browser-login").exists()


async def test_wrong_pin_then_right_pin_and_the_breaker_closes_only_when_asked(
    settings: Settings, site: RunningSandbox
) -> None:
    before = old_session(settings)
    await admin(site, {"challenge": "pin_sms"})
    async with console(settings, trip=True) as c:
        # Opened by itself: the breaker is open on a checkpoint.
        await wait_until(c.pilot, lambda: isinstance(c.app.screen, LoginScreen))
        await c.sees("The breaker opened on a checkpoint.")
        await c.sign_in()
        await c.sees("LinkedIn sent a PIN to your phone by text message.")
        pin = await expected_pin(site)
        await c.type_into("#pin", "000000" if pin != "000000" else "111111")
        await c.pilot.press("enter")
        await c.sees(
            "That PIN was refused; 4 tries left.",
            "The verification code you entered isn't valid. Check the code and try again.",
        )
        assert (settings.home / "session.enc").read_bytes() == before
        assert await c.breaker() == BreakerState.OPEN
        await c.type_into("#pin", pin)
        await c.pilot.press("enter")
        await c.sees("Signed in. Close the breaker so campaigns act again?", "session: valid")
        assert await c.breaker() == BreakerState.OPEN  # not before the operator says so
        await c.click("#close-breaker")
        await c.sees("Breaker closed: campaigns can act again.")
        assert await c.breaker() == BreakerState.CLOSED
        assert not c.app.state.breaker.is_open
    assert SessionStore(settings).load().source == "login"


async def test_app_approval_that_comes_after_a_few_polls(settings: Settings, site: RunningSandbox) -> None:
    await admin(site, {"challenge": "app", "approve_after_polls": 3})
    async with console(settings) as c:
        await c.sign_in()
        await c.sees("Signed in.", "session: valid")
        assert (await admin(site))["logins"] == 1


def seconds_left(shown: str) -> int:
    return int(shown.split("(waiting, ")[1].split(" s left")[0])


async def test_done_on_my_phone_looks_at_once(settings: Settings, site: RunningSandbox) -> None:
    # Polls far apart: only the button can make the flow look again within the test.
    slow = LoginTimeouts(page_s=15, approval_s=600, poll_interval_s=300)
    await admin(site, {"challenge": "app"})
    async with console(settings, timeouts=slow) as c:
        await c.sign_in()
        # The step's title and its buttons can be drawn in two frames: wait for the one with all.
        shown = await c.sees(
            "Approve the sign-in in the LinkedIn app (waiting, ",
            "Check your LinkedIn app",
            "Done on my phone",
        )
        # The seconds left go down between two polls, 300 s apart.
        first = seconds_left(shown)
        # At least two seconds down: a loaded machine may redraw once for several seconds.
        await wait_until(c.pilot, lambda: seconds_left(c.text()) <= first - 2, 10)
        await wait_until(c.pilot, c.picture_drawn)
        await admin(site, {"action": "approve"})
        await c.click("#approved")
        await c.sees("Signed in.", "session: valid", within=STEP_S)


async def test_try_another_way_then_a_pin_by_text_message(settings: Settings, site: RunningSandbox) -> None:
    await admin(site, {"challenge": "app", "pin": "975310"})
    async with console(settings) as c:
        await c.sign_in()
        await c.sees("Approve the sign-in in the LinkedIn app")
        await c.click("#another-way")
        await c.sees(
            "LinkedIn offers these ways to confirm it is you:",
            "Get a code by email",
            "Get a code by text message (SMS)",
        )
        await c.click("#choice-1")
        await c.sees("LinkedIn sent a PIN to your phone by text message.")
        await c.type_into("#pin", "975310")
        await c.click("#send-pin")
        await c.sees("Signed in.")
        assert (await admin(site))["logins"] == 1


async def test_captcha_is_refused_with_the_way_out(settings: Settings, site: RunningSandbox) -> None:
    before = old_session(settings)
    await admin(site, {"challenge": "captcha"})
    async with console(settings, trip=True) as c:
        await c.sign_in()
        shown = await c.sees("LinkedIn asks for a captcha: not answered here.", "LinkPilot never solves one")
        assert "`linkpilot session import`" in shown
        assert await c.breaker() == BreakerState.OPEN
        assert c.screen.flow is None  # its browser is closed
    assert (settings.home / "session.enc").read_bytes() == before


async def test_approval_timeout_leaves_the_breaker_open_and_the_old_session(
    settings: Settings, site: RunningSandbox
) -> None:
    before = old_session(settings)
    await admin(site, {"challenge": "app"})
    quick = LoginTimeouts(page_s=15, approval_s=1, poll_interval_s=0.2)
    async with console(settings, timeouts=quick, trip=True) as c:
        await c.sign_in()
        await c.sees(
            "The sign-in did not complete (timeout).",
            "the sign-in was not approved in the app within 1 s",
            "The stored session is unchanged",
        )
        snap = await c.rt.breaker.state()
        assert snap.state == BreakerState.OPEN
        assert snap.hard
        assert c.app.state.breaker.is_open
        assert "Close the breaker" not in c.text()
    assert (settings.home / "session.enc").read_bytes() == before


async def test_too_many_wrong_pins_leave_the_breaker_open_and_the_old_session(
    settings: Settings, site: RunningSandbox
) -> None:
    before = old_session(settings)
    await admin(site, {"challenge": "pin_email", "pin": "123456", "max_pin_attempts": 2})
    async with console(settings, trip=True) as c:
        await c.sign_in()
        await c.sees("LinkedIn sent a PIN to your email.")
        await c.type_into("#pin", "654321")
        await c.pilot.press("enter")
        await c.sees("That PIN was refused")
        await c.type_into("#pin", "654321")
        await c.pilot.press("enter")
        await c.sees("The sign-in did not complete (rejected).", "Too many wrong codes. Sign in again.")
        assert await c.breaker() == BreakerState.OPEN
    assert (settings.home / "session.enc").read_bytes() == before


async def test_checkpoint_met_while_acting_answered_with_the_stored_session(
    settings: Settings, site: RunningSandbox
) -> None:
    old_session(settings, site.state.current_token)
    site.state.faults.update({"checkpoint_after_actions": 0})
    await admin(site, {"checkpoint_pin": "5555"})
    async with console(settings, trip=True) as c:
        await wait_until(c.pilot, lambda: isinstance(c.app.screen, LoginScreen))
        assert c.screen.focused is not None
        assert c.screen.focused.id == "resume"
        await c.pilot.press("enter")
        await c.sees("LinkedIn sent a PIN to your email.")
        await c.type_into("#pin", "5555")
        await c.pilot.press("enter")
        await c.sees("Signed in. Close the breaker so campaigns act again?")
        await c.click("#close-breaker")
        await c.sees("Breaker closed")
        assert await c.breaker() == BreakerState.CLOSED
    stored = SessionStore(settings).load()
    assert stored.source == "li_at"  # the same session, let through again
    assert stored.check_result == "valid"


# Four browser round trips: two sign-ins, and two session checks (the second console's check
# waits for the campaigns' browser, which reads today's birthday plan at start).
@pytest.mark.timeout(300)
async def test_a_kept_password_is_used_by_the_next_sign_in(settings: Settings, site: RunningSandbox) -> None:
    async with console(settings) as c:
        await c.sign_in(save=True)
        shown = await c.sees("Signed in.", "The password is kept in LinkPilot's encrypted keyring file.")
        assert PASSWORD not in shown
    saved = load_saved_login(settings)
    assert saved is not None
    assert (saved.email, saved.password) == (EMAIL, PASSWORD)
    assert PASSWORD.encode() not in keyring_path(settings).read_bytes()
    async with console(settings) as c:
        # With the session the first console saved, the dashboard's plan opens the campaigns'
        # browser; the sign-in's check takes it after, one browser at a time.
        await wait_until(c.pilot, lambda: c.app.birthday_plan.plan is not None, STEP_S)
        await c.pilot.press(c.app.key_for("login.open"))
        await wait_until(c.pilot, lambda: isinstance(c.app.screen, LoginScreen))
        assert c.screen.query_one("#email", Input).value == EMAIL
        assert "saved (encrypted)" in c.text()
        await c.click("#sign-in")  # no password typed: the kept one is used
        await c.sees("Signed in.")
    assert (await admin(site))["logins"] == 2


async def test_a_wrong_password_shows_the_page_message_and_changes_nothing(
    settings: Settings, site: RunningSandbox
) -> None:
    before = old_session(settings)
    async with console(settings, trip=True) as c:
        await c.sign_in("Not-the-Passw0rd")
        shown = await c.sees(
            "The sign-in did not complete (wrong password).", "Wrong email or password. Try again."
        )
        assert "Not-the-Passw0rd" not in shown
        assert c.screen.query_one("#sign-in").display  # the form is back for another try
        assert await c.breaker() == BreakerState.OPEN
    assert (settings.home / "session.enc").read_bytes() == before
    assert (await admin(site))["logins"] == 0


async def test_answering_a_checkpoint_without_a_stored_session_says_so(settings: Settings) -> None:
    async with console(settings, trip=True) as c:
        await wait_until(c.pilot, lambda: isinstance(c.app.screen, LoginScreen))
        await c.click("#resume")
        await c.sees("The sign-in did not start.", "no session imported yet")
        assert await c.breaker() == BreakerState.OPEN
    assert not (settings.home / "session.enc").exists()
