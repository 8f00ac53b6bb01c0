"""`linkpilot login` end to end: a real subprocess answering prompts, against the practice site.

The test reads each prompt before typing the answer, as a person would, so nothing typed
ahead could make a test pass by accident. The password never shows in any output or log.
"""

from __future__ import annotations

import asyncio
import codecs
import fcntl
import json
import os
import pty
import select
import sys
import termios
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from linkpilot.cli.common import open_database
from linkpilot.common.clock import utc_now
from linkpilot.common.settings import load_settings
from linkpilot.engine.breaker import BreakerSnapshot, BreakerState, CircuitBreaker
from linkpilot.sandbox import RunningSandbox
from tests.engine.login.site_admin import admin
from tests.practice_site import start_site

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]

EMAIL = "pilot@sandbox.test"
PASSWORD = "sandbox-password"
OLD_LI_AT = "AQEDold-session-value-0001"
WRONG_PASSWORD = "Wr0ng-Secret-Passw0rd"


@pytest_asyncio.fixture(loop_scope="session")
async def site() -> AsyncIterator[RunningSandbox]:
    running = await start_site(clock=utc_now)  # the product here runs on the real clock too
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
def env(site: RunningSandbox) -> dict[str, str]:
    return {**os.environ, "LINKPILOT_LINKEDIN_URL": site.url}


class Run:
    """A `linkpilot` subprocess driven prompt by prompt."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.out = ""
        self.seen = 0
        # Reads may end inside a multi-byte character (a drawn page is full of them).
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    @classmethod
    async def start(cls, env: dict[str, str], *args: str) -> Run:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "linkpilot",
            "login",
            *args,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(proc)

    async def expect(self, text: str, within_s: float = 60) -> None:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + within_s
        while text not in self.out[self.seen :]:
            left = deadline - time.monotonic()
            assert left > 0, f"no {text!r} in {self.out[self.seen :]!r}"
            chunk = await asyncio.wait_for(self.proc.stdout.read(4096), timeout=left)
            assert chunk, f"output ended without {text!r}: {self.out[self.seen :]!r}"
            self.out += self.decoder.decode(chunk)
        self.seen = self.out.index(text, self.seen) + len(text)

    async def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()

    async def finish(self) -> tuple[int, str, str]:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        rest, err = await asyncio.wait_for(self.proc.communicate(), timeout=60)
        self.out += self.decoder.decode(rest, final=True)
        assert self.proc.returncode is not None
        return self.proc.returncode, self.out, err.decode()


async def sign_in(env: dict[str, str], *args: str, password: str = PASSWORD) -> Run:
    run = await Run.start(env, *args)
    await run.expect("Email: ")
    await run.send(EMAIL)
    await run.expect("Password: ")
    await run.send(password)
    return run


def import_old_session(cli: Any, home: Path) -> bytes:
    assert cli("session", "import", "--li-at", OLD_LI_AT).code == 0
    return (home / "session.enc").read_bytes()


def assert_password_kept(home: Path, *texts: str, password: str = PASSWORD) -> None:
    for text in texts:
        assert password not in text
    log = home / "linkpilot.log"
    assert log.exists()
    assert password not in log.read_text(encoding="utf-8")
    assert not (home / "crash.log").exists()


async def trip_breaker() -> None:
    settings = load_settings()
    db = open_database(settings)
    try:
        await CircuitBreaker(db, settings.breaker).trip_hard("checkpoint")
    finally:
        await db.dispose()


async def breaker_state() -> BreakerSnapshot:
    settings = load_settings()
    db = open_database(settings)
    try:
        return await CircuitBreaker(db, settings.breaker).state()
    finally:
        await db.dispose()


async def session_check(env: dict[str, str]) -> dict[str, Any]:
    """`session status --check` in a subprocess; the site keeps serving on this loop meanwhile."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "linkpilot", "session", "status", "--check", "--json"),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=90)
    assert proc.returncode == 0, err.decode()
    return dict(json.loads(out))


async def test_wrong_password_is_exit_1_and_changes_nothing(
    env: dict[str, str], cli: Any, home: Path, site: RunningSandbox
) -> None:
    before = import_old_session(cli, home)
    run = await sign_in(env, password=WRONG_PASSWORD)
    code, out, err = await run.finish()
    assert code == 1
    assert err.strip() == (
        "linkpilot: error: login: Wrong email or password. Try again. (wrong password); "
        "the stored session is unchanged"
    )
    assert (home / "session.enc").read_bytes() == before
    assert_password_kept(home, out, err, password=WRONG_PASSWORD)
    assert (await admin(site))["logins"] == 0


async def test_pin_by_email_after_one_wrong_pin(
    env: dict[str, str], home: Path, site: RunningSandbox
) -> None:
    await admin(site, {"challenge": "pin_email"})
    run = await sign_in(env)
    await run.expect("LinkedIn: Check your email — We sent a verification code")
    await run.expect("Enter the PIN sent to your email (or type `another` to try another way): ")
    pin = str((await admin(site))["pending"]["pin"])
    await run.send("000000" if pin != "000000" else "111111")
    await run.expect("The verification code you entered isn't valid.")
    await run.expect("Enter the PIN sent to your email")
    await run.send(pin)
    code, out, err = await run.finish()
    assert code == 0, err
    assert f"signed in: session saved encrypted to {home / 'session.enc'} (1 cookie)" in out
    assert (await session_check(env))["status"] == "valid"
    assert (
        err
        == f"a new encryption key was written to {home / 'secret.key'}: keep it with your backups, "
        + ("or set LINKPILOT_SECRET_KEY instead\n")
    )
    assert_password_kept(home, out, err)


async def test_app_approval_after_a_delay(env: dict[str, str], home: Path, site: RunningSandbox) -> None:
    await admin(site, {"challenge": "app", "approve_after_polls": 3})
    run = await sign_in(env, "--poll-interval", "0.2")
    await run.expect("Approve the sign-in in the LinkedIn app; waiting… (press Enter to try another way)")
    code, out, err = await run.finish()  # stdin closes: nobody presses Enter, the wait goes on
    assert code == 0, err
    assert "signed in" in out
    state = await admin(site)
    assert state["logins"] == 1
    assert_password_kept(home, out, err)


async def test_try_another_way_with_enter_then_sms(
    env: dict[str, str], home: Path, site: RunningSandbox
) -> None:
    await admin(site, {"challenge": "app", "pin": "975310"})
    run = await sign_in(env, "--poll-interval", "0.2")
    await run.expect("(press Enter to try another way)")
    await run.send("")
    await run.expect("LinkedIn offers these ways to confirm it is you:\n  1. Get a code by email\n")
    await run.expect("  2. Get a code by text message (SMS)\nChoose 1-2: ")
    await run.send("7")
    await run.expect("type a number from 1 to 2")
    await run.expect("Choose 1-2: ")
    await run.send("2")
    await run.expect("Enter the PIN sent to your phone by text message")
    await run.send("975310")
    code, out, err = await run.finish()
    assert code == 0, err
    assert (await admin(site))["logins"] == 1
    assert_password_kept(home, out, err)


async def test_captcha_is_refused_with_instructions_exit_4(
    env: dict[str, str], cli: Any, home: Path, site: RunningSandbox
) -> None:
    before = import_old_session(cli, home)
    await admin(site, {"challenge": "captcha"})
    run = await sign_in(env)
    code, out, err = await run.finish()
    assert code == 4
    assert "LinkPilot never solves one" in out
    assert "`linkpilot session import`" in out
    assert err.strip() == (
        "linkpilot: error: login: LinkedIn asks for a captcha; solve it from a browser on the same network, "
        "then run `linkpilot session import`"
    )
    assert (home / "session.enc").read_bytes() == before
    assert_password_kept(home, out, err)


async def test_approval_timeout_leaves_the_breaker_open_and_the_old_session(
    env: dict[str, str], cli: Any, home: Path, site: RunningSandbox
) -> None:
    before = import_old_session(cli, home)
    await trip_breaker()
    await admin(site, {"challenge": "app"})
    run = await sign_in(env, "--approval-timeout", "1", "--poll-interval", "0.2")
    await run.expect("waiting…")
    code, out, err = await run.finish()
    assert code == 1
    assert err.strip() == (
        "linkpilot: error: login: the sign-in was not approved in the app within 1 s (timeout); "
        "the stored session is unchanged"
    )
    assert (home / "session.enc").read_bytes() == before
    snap = await breaker_state()
    assert snap.state == BreakerState.OPEN
    assert snap.hard
    assert_password_kept(home, out, err)


async def test_wrong_pins_leave_the_breaker_open_and_the_old_session(
    env: dict[str, str], cli: Any, home: Path, site: RunningSandbox
) -> None:
    before = import_old_session(cli, home)
    await trip_breaker()
    await admin(site, {"challenge": "pin_sms", "pin": "123456", "max_pin_attempts": 2})
    run = await sign_in(env)
    for _ in range(2):
        await run.expect("Enter the PIN sent to your phone by text message")
        await run.send("654321")
    code, out, err = await run.finish()
    assert code == 1
    assert "Too many wrong codes. Sign in again. (rejected)" in err
    assert (home / "session.enc").read_bytes() == before
    assert (await breaker_state()).hard
    assert_password_kept(home, out, err)


@pytest.mark.parametrize(("answer", "closed"), [("y", True), ("n", False)])
async def test_the_breaker_closes_after_a_valid_sign_in_when_confirmed(
    env: dict[str, str], home: Path, site: RunningSandbox, answer: str, closed: bool
) -> None:
    await trip_breaker()
    run = await sign_in(env)
    await run.expect("breaker: open (hard) since ")
    await run.expect("Close the breaker so campaigns act again? [y/N]: ")
    await run.send(answer)
    code, out, err = await run.finish()
    assert code == 0, err
    snap = await breaker_state()
    assert (snap.state == BreakerState.CLOSED) is closed
    assert ("breaker reset: closed" in out) is closed
    assert ("breaker left open" in out) is not closed


async def test_reset_breaker_flag_closes_it_without_asking(
    env: dict[str, str], home: Path, site: RunningSandbox
) -> None:
    await trip_breaker()
    run = await Run.start(env, "--email", EMAIL, "--reset-breaker")
    await run.expect("Password: ")
    await run.send(PASSWORD)
    code, out, err = await run.finish()
    assert code == 0, err
    assert "breaker reset: closed" in out
    assert "[y/N]" not in out
    assert "Email: " not in out
    assert (await breaker_state()).state == BreakerState.CLOSED


async def test_input_ending_early_is_bad_input(env: dict[str, str], home: Path) -> None:
    run = await Run.start(env)
    await run.expect("Email: ")
    await run.send(EMAIL)
    code, _, err = await run.finish()
    assert code == 2
    assert err.strip() == "linkpilot: error: login: the input ended before the password was given"
    assert not (home / "session.enc").exists()


def _read_some(fd: int) -> bytes:
    """What the terminal has within half a second (maybe nothing), so a wait can time out."""
    ready, _, _ = select.select([fd], [], [], 0.5)
    return os.read(fd, 4096) if ready else b""


def _controlling_tty() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


async def test_on_a_terminal_the_password_is_not_echoed(env: dict[str, str], home: Path) -> None:
    master, slave = pty.openpty()
    proc = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "linkpilot", "login"),
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        preexec_fn=_controlling_tty,  # the child must own the pty: getpass reads /dev/tty
    )
    os.close(slave)
    seen = b""

    async def until(text: bytes) -> None:
        nonlocal seen
        loop = asyncio.get_running_loop()
        deadline = time.monotonic() + 60
        while text not in seen:
            assert time.monotonic() < deadline, seen
            try:
                seen += await loop.run_in_executor(None, _read_some, master)
            except OSError:  # the child closed the terminal
                break

    try:
        await until(b"Email: ")
        os.write(master, EMAIL.encode() + b"\n")
        await until(b"Password: ")
        os.write(master, PASSWORD.encode() + b"\n")
        await until(b"session saved encrypted")
        assert await asyncio.wait_for(proc.wait(), timeout=60) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        os.close(master)
    text = seen.decode(errors="replace")
    assert EMAIL in text  # the email is echoed, as typed
    assert_password_kept(home, text)


async def test_checkpoint_met_while_acting_answered_with_the_stored_session(
    env: dict[str, str], cli: Any, home: Path, site: RunningSandbox
) -> None:
    assert cli("session", "import", "--li-at", site.state.current_token).code == 0
    await trip_breaker()
    site.state.faults.update({"checkpoint_after_actions": 0})
    await admin(site, {"checkpoint_pin": "5555"})
    run = await Run.start(env, "--checkpoint")
    await run.expect("LinkedIn: Check your email")
    await run.expect("Enter the PIN sent to your email: ")
    await run.send("5555")
    await run.expect("Close the breaker so campaigns act again? [y/N]: ")
    await run.send("yes")
    code, out, err = await run.finish()
    assert code == 0, err
    assert "checkpoint cleared: session saved encrypted to" in out
    assert "Password" not in out
    assert (await breaker_state()).state == BreakerState.CLOSED
    assert (await session_check(env))["status"] == "valid"


async def test_checkpoint_without_a_session_is_exit_5(env: dict[str, str], cli: Any) -> None:
    run = await Run.start(env, "--checkpoint")
    code, _, err = await run.finish()
    assert code == 5
    assert err.strip() == "linkpilot: error: no session imported yet: run `linkpilot session import`"
    refused = cli("login", "--checkpoint", "--email", EMAIL)
    assert refused.code == 2
    assert refused.err.strip() == (
        "linkpilot: error: login: --checkpoint takes no --email: it goes on with the stored session"
    )
