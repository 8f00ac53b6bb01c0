"""The sign-in flow API against the practice site, on real Chromium.

Every challenge is configured through the site's admin API and the expected PIN read from
it, as an operator would read it from their mailbox.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from linkpilot.common.errors import BadInput
from linkpilot.common.settings import Settings
from linkpilot.engine.breaker import BreakerState, CircuitBreaker
from linkpilot.engine.login import (
    Approval,
    Captcha,
    ChooseMethod,
    Done,
    Failed,
    LoginFlow,
    LoginTimeouts,
    NeedPin,
    Step,
    WaitingForApproval,
    close_breaker_after_login,
    finished,
)
from linkpilot.engine.session.store import NoSession, SessionStore, StoredSession
from linkpilot.sandbox import RunningSandbox
from linkpilot.storage.database import Database
from linkpilot.storage.migrate import ensure_schema
from tests.engine.conftest import engine_settings, sandbox_cookie
from tests.engine.login.site_admin import admin, expected_pin

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]

EMAIL = "pilot@sandbox.test"
PASSWORD = "sandbox-password"
FAST = LoginTimeouts(page_s=10, approval_s=20, poll_interval_s=0.05)


@pytest.fixture(autouse=True)
def _debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


@pytest.fixture
def settings(tmp_path: Path, sandbox: RunningSandbox) -> Settings:
    return engine_settings(tmp_path / "home", sandbox.url, secret_key=Fernet.generate_key().decode())


def old_session(settings: Settings) -> bytes:
    """A previous session on disk, to prove a failed sign-in leaves it alone."""
    store = SessionStore(settings)
    store.save(
        StoredSession(
            cookies=(sandbox_cookie("old-li-at-value"),),
            source="li_at",
            imported_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
    )
    return store.path.read_bytes()


def assert_done(step: Step, settings: Settings, site: RunningSandbox) -> None:
    assert isinstance(step, Done), step
    assert step.status.state == "valid"
    stored = SessionStore(settings).load()
    assert stored.source == "login"
    assert stored.check_result == "valid"
    assert stored.li_at is not None
    assert stored.li_at.value == site.state.current_token
    assert step.cookies == len(stored.cookies)


async def test_no_challenge_signs_in_and_saves_the_session_encrypted(
    settings: Settings, sandbox: RunningSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    old_session(settings)
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.start(EMAIL, PASSWORD)
        assert_done(step, settings, sandbox)
        assert finished(step)
        assert (await flow.screenshot()).startswith(b"\x89PNG")
        with pytest.raises(ValueError, match="takes no answer"):
            await flow.answer(step, "1")
    assert not (settings.home / "browser-login").exists()  # no second copy of the cookies
    raw = (settings.home / "session.enc").read_bytes()
    assert sandbox.state.current_token.encode() not in raw
    assert PASSWORD not in caplog.text
    assert (await admin(sandbox))["logins"] == 1


@pytest.mark.parametrize(
    ("sandbox", "message"),
    [
        ({"language": "en"}, "Wrong email or password. Try again."),
        ({"language": "fr", "markup": "hashed"}, "E-mail ou mot de passe incorrect. Réessayez."),
    ],
    indirect=["sandbox"],
)
async def test_wrong_password_fails_with_the_page_message_and_keeps_the_old_session(
    settings: Settings, sandbox: RunningSandbox, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = old_session(settings)
    wrong = "not-the-Password-42"
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.start(EMAIL, wrong)
    assert step == Failed("wrong_password", message)
    assert (settings.home / "session.enc").read_bytes() == before
    assert wrong not in caplog.text


async def test_pin_by_email_right_after_one_wrong_attempt(
    settings: Settings, sandbox: RunningSandbox
) -> None:
    before = old_session(settings)
    await admin(sandbox, {"challenge": "pin_email"})
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.start(EMAIL, PASSWORD)
        assert isinstance(step, NeedPin)
        assert step.channel == "email"
        assert step.prompt.startswith("Check your email — We sent a verification code to your email.")
        assert step.error is None
        assert step.attempts_left == 5
        assert step.can_try_another_way
        assert [f.id for f in step.fields] == ["input__email_verification_pin"]
        pin = await expected_pin(sandbox)
        wrong = "000000" if pin != "000000" else "111111"
        step = await flow.answer(step, wrong)
        assert isinstance(step, NeedPin)
        assert step.error == "The verification code you entered isn't valid. Check the code and try again."
        assert step.attempts_left == 4
        # Mid-flow, the old session is still the stored one.
        assert (settings.home / "session.enc").read_bytes() == before
        step = await flow.answer(step, f" {pin[:3]} {pin[3:]} ")
        assert_done(step, settings, sandbox)
    assert flow.pins_submitted == 2


async def test_a_malformed_pin_is_not_sent(settings: Settings, sandbox: RunningSandbox) -> None:
    await admin(sandbox, {"challenge": "pin_sms"})
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.start(EMAIL, PASSWORD)
        assert isinstance(step, NeedPin)
        assert step.channel == "sms"
        again = await flow.answer(step, "12ab")
        assert isinstance(again, NeedPin)
        assert again.error == "a PIN is 4 to 8 digits; nothing was sent"
        with pytest.raises(RuntimeError, match="current step"):
            await flow.answer(step, "123456")  # a stale step
        with pytest.raises(ValueError, match="a PIN step takes"):
            await flow.answer(again, Approval.POLL)
    assert (await admin(sandbox))["pending"]["attempts"] == 0
    assert flow.pins_submitted == 0


async def test_too_many_wrong_pins_the_site_drops_the_challenge(
    settings: Settings, sandbox: RunningSandbox
) -> None:
    before = old_session(settings)
    await admin(sandbox, {"challenge": "pin_email", "pin": "123456", "max_pin_attempts": 2})
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.start(EMAIL, PASSWORD)
        for _ in range(2):
            assert isinstance(step, NeedPin)
            step = await flow.answer(step, "654321")
    assert step == Failed("rejected", "Too many wrong codes. Sign in again.")
    assert (settings.home / "session.enc").read_bytes() == before


async def test_linkpilot_caps_the_pins_it_sends(settings: Settings, sandbox: RunningSandbox) -> None:
    await admin(sandbox, {"challenge": "pin_email", "pin": "123456", "max_pin_attempts": 10})
    timeouts = LoginTimeouts(page_s=10, approval_s=5, poll_interval_s=0.05, max_pins=1)
    async with LoginFlow(settings, timeouts=timeouts) as flow:
        step = await flow.start(EMAIL, PASSWORD)
        assert isinstance(step, NeedPin)
        step = await flow.answer(step, "111111")
        assert isinstance(step, NeedPin)
        assert step.attempts_left == 0
        step = await flow.answer(step, "123456")
    assert step == Failed("too_many_attempts", "1 PINs tried; start the sign-in again")
    assert not (settings.home / "session.enc").exists()


async def test_app_approval_after_a_delay(settings: Settings, sandbox: RunningSandbox) -> None:
    await admin(sandbox, {"challenge": "app", "approve_after_polls": 4})
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.start(EMAIL, PASSWORD)
        assert isinstance(step, WaitingForApproval)
        assert step.prompt.startswith("Check your LinkedIn app")
        assert step.can_try_another_way
        assert step.polls == 0
        assert 0 < step.seconds_left <= 20
        step = await flow.wait_for_approval(step)
        assert_done(step, settings, sandbox)
    assert flow.polls == 3  # the page load after the form was the first look


async def test_app_approval_by_the_admin_while_waiting(settings: Settings, sandbox: RunningSandbox) -> None:
    await admin(sandbox, {"challenge": "app"})
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.start(EMAIL, PASSWORD)
        assert isinstance(step, WaitingForApproval)
        step = await flow.answer(step, Approval.POLL)
        assert isinstance(step, WaitingForApproval)
        assert step.polls == 1
        await admin(sandbox, {"action": "approve"})
        step = await flow.wait_for_approval(step)
        assert_done(step, settings, sandbox)


async def test_a_stop_ends_the_wait_without_an_answer(settings: Settings, sandbox: RunningSandbox) -> None:
    await admin(sandbox, {"challenge": "app"})
    stop = asyncio.Event()
    stop.set()
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.start(EMAIL, PASSWORD)
        assert isinstance(step, WaitingForApproval)
        assert await flow.wait_for_approval(step, stop) is step
    assert flow.polls == 0


async def test_app_approval_that_never_comes_times_out(settings: Settings, sandbox: RunningSandbox) -> None:
    before = old_session(settings)
    await admin(sandbox, {"challenge": "app"})
    # Long enough for two polls even on a loaded machine (each poll reloads the page).
    timeouts = LoginTimeouts(page_s=10, approval_s=3, poll_interval_s=0.1)
    async with LoginFlow(settings, timeouts=timeouts) as flow:
        step = await flow.start(EMAIL, PASSWORD)
        assert isinstance(step, WaitingForApproval)
        step = await flow.wait_for_approval(step)
    assert step == Failed("timeout", "the sign-in was not approved in the app within 3 s")
    assert flow.polls >= 2
    assert (settings.home / "session.enc").read_bytes() == before
    assert (await admin(sandbox))["logins"] == 0


async def test_a_site_that_does_not_answer_times_out(settings: Settings, sandbox: RunningSandbox) -> None:
    before = old_session(settings)
    sandbox.state.faults.update({"slow_ms": 3000})
    async with LoginFlow(settings, timeouts=LoginTimeouts(page_s=1)) as flow:
        step = await flow.start(EMAIL, PASSWORD)
    assert isinstance(step, Failed)
    assert step.kind == "timeout"
    assert (settings.home / "session.enc").read_bytes() == before


@pytest.mark.parametrize(
    ("sandbox", "labels", "heading"),
    [
        ({"language": "en"}, ["Get a code by email", "Get a code by text message (SMS)"], "Check your phone"),
        (
            {"language": "fr", "markup": "hashed"},
            ["Recevoir un code par e-mail", "Recevoir un code par SMS"],
            "Vérifiez votre téléphone",
        ),
    ],
    indirect=["sandbox"],
)
async def test_try_another_way_from_the_app_to_a_pin_by_sms(
    settings: Settings, sandbox: RunningSandbox, labels: list[str], heading: str
) -> None:
    await admin(sandbox, {"challenge": "app"})
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.start(EMAIL, PASSWORD)
        assert isinstance(step, WaitingForApproval)
        step = await flow.answer(step, Approval.ANOTHER_WAY)
        assert isinstance(step, ChooseMethod)
        assert [o.label for o in step.options] == labels
        assert [o.key for o in step.options] == ["pin_email", "pin_sms"]
        with pytest.raises(ValueError, match="choose one of"):
            await flow.answer(step, "carrier-pigeon")
        step = await flow.answer(step, "pin_sms")
        assert isinstance(step, NeedPin)
        assert step.channel == "sms"
        assert step.prompt.startswith(heading)
        step = await flow.answer(step, await expected_pin(sandbox))
        assert_done(step, settings, sandbox)


async def test_another_way_from_a_pin_page(settings: Settings, sandbox: RunningSandbox) -> None:
    await admin(sandbox, {"challenge": "pin_email", "pin": "2468"})
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.start(EMAIL, PASSWORD)
        assert isinstance(step, NeedPin)
        step = await flow.answer(step, Approval.ANOTHER_WAY)
        assert isinstance(step, ChooseMethod)
        step = await flow.answer(step, "pin_email")
        assert isinstance(step, NeedPin)
        assert step.channel == "email"
        step = await flow.answer(step, "2468")
        assert_done(step, settings, sandbox)


async def test_a_captcha_is_reported_never_touched(settings: Settings, sandbox: RunningSandbox) -> None:
    before = old_session(settings)
    await admin(sandbox, {"challenge": "captcha"})
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.start(EMAIL, PASSWORD)
        assert isinstance(step, Captcha)
        assert "never solves one" in step.instructions
        assert "`linkpilot session import`" in step.instructions
        assert step.page_text.startswith("Let's do a quick security check")
        with pytest.raises(ValueError, match="takes no answer"):
            await flow.answer(step, "I'm not a robot")
        page = flow._page
        assert page is not None
        frame = page.frame_locator("iframe[src*=captcha]")
        assert not await frame.locator("input[type=checkbox]").is_checked()
    assert (settings.home / "session.enc").read_bytes() == before
    state = await admin(sandbox)
    assert state["pending"]["method"] == "captcha"
    assert state["logins"] == 0


async def test_empty_credentials_are_bad_input(settings: Settings) -> None:
    async with LoginFlow(settings) as flow:
        with pytest.raises(BadInput, match="must not be empty"):
            await flow.start(" ", PASSWORD)
        with pytest.raises(RuntimeError, match="has not started"):
            await flow.screenshot()


async def test_the_breaker_closes_only_on_a_valid_session(
    settings: Settings, sandbox: RunningSandbox, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"
    ensure_schema(url)
    db = Database(url)
    breaker = CircuitBreaker(db, settings.breaker)
    try:
        await breaker.trip_hard("checkpoint")
        async with LoginFlow(settings, timeouts=FAST) as flow:
            done = await flow.start(EMAIL, PASSWORD)
        assert isinstance(done, Done)
        expired = replace(done, status=replace(done.status, state="expired"))
        assert await close_breaker_after_login(breaker, expired) is None
        assert (await breaker.state()).hard
        before = await close_breaker_after_login(breaker, done)
        assert before is not None
        assert before.reason == "checkpoint"
        assert (await breaker.state()).state == BreakerState.CLOSED
        assert await close_breaker_after_login(breaker, done) is None
    finally:
        await db.dispose()


async def resumable(settings: Settings, sandbox: RunningSandbox) -> StoredSession:
    """The site's own session stored, and a checkpoint met while acting, clearable with 5555."""
    stored = StoredSession(
        cookies=(sandbox_cookie(sandbox.state.current_token),),
        source="cookies",
        imported_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    SessionStore(settings).save(stored)
    sandbox.state.faults.update({"checkpoint_after_actions": 0})
    await admin(sandbox, {"checkpoint_pin": "5555"})
    return stored


async def test_resume_answers_a_checkpoint_met_while_acting(
    settings: Settings, sandbox: RunningSandbox
) -> None:
    stored = await resumable(settings, sandbox)
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.resume()
        assert isinstance(step, NeedPin)
        assert step.channel == "email"
        assert not step.can_try_another_way
        step = await flow.answer(step, "1234")
        assert isinstance(step, NeedPin)
        assert step.error is not None
        assert "isn't valid" in step.error
        step = await flow.answer(step, "5555")
        assert isinstance(step, Done)
    kept = SessionStore(settings).load()
    assert kept.source == "cookies"  # the same session, let through again
    assert kept.imported_at == stored.imported_at
    assert kept.check_result == "valid"
    assert kept.refreshed_at is not None
    assert (await admin(sandbox))["logins"] == 0


async def test_resume_with_a_session_the_site_refuses(settings: Settings, sandbox: RunningSandbox) -> None:
    await resumable(settings, sandbox)
    before = (settings.home / "session.enc").read_bytes()
    sandbox.state.expire()
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.resume()
        with pytest.raises(RuntimeError, match="started already"):
            await flow.resume()
    assert step == Failed(
        "logged_out", "the stored session is not valid any more: sign in with `linkpilot login`"
    )
    assert (settings.home / "session.enc").read_bytes() == before


async def test_resume_needs_a_stored_session(settings: Settings) -> None:
    async with LoginFlow(settings) as flow:
        with pytest.raises(NoSession):
            await flow.resume()


async def test_a_limit_banner_on_the_feed_does_not_stop_a_sign_in(
    settings: Settings, sandbox: RunningSandbox
) -> None:
    sandbox.state.faults.update({"invitation_limit": True})
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.start(EMAIL, PASSWORD)
    assert_done(step, settings, sandbox)


async def test_a_restricted_account_has_nothing_to_answer(
    settings: Settings, sandbox: RunningSandbox
) -> None:
    await resumable(settings, sandbox)
    sandbox.state.faults.update({"restricted_after_actions": 0})
    async with LoginFlow(settings, timeouts=FAST) as flow:
        step = await flow.resume()
    assert isinstance(step, Failed)
    assert step.kind == "restricted"
    assert step.reason.startswith("the account is restricted at /checkpoint/restricted/")
