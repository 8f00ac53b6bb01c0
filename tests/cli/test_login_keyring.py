"""`linkpilot login --save-password` / `--forget-password`, and pages drawn before questions.

The kept password lives in LinkPilot's own encrypted keyring file (login.enc): mode 0600,
never in clear on disk, in the output or in the log.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from linkpilot.common.settings import load_settings
from linkpilot.engine.login.keyring import save_login
from linkpilot.sandbox import RunningSandbox
from tests.cli import test_login_cli
from tests.cli.test_login_cli import EMAIL, PASSWORD, Run, assert_password_kept, sign_in
from tests.engine.login.site_admin import admin

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]

# The same practice site and environment as the other `linkpilot login` tests.
site = test_login_cli.site
env = test_login_cli.env


async def test_a_kept_password_is_encrypted_0600_and_used_by_the_next_login(
    env: dict[str, str], home: Path, site: RunningSandbox
) -> None:
    run = await sign_in(env, "--save-password")
    code, out, err = await run.finish()
    assert code == 0, err
    keyring = home / "login.enc"
    assert f"password kept, encrypted, in LinkPilot's own keyring file {keyring}" in out
    assert stat.S_IMODE(keyring.stat().st_mode) == 0o600
    raw = keyring.read_bytes()
    assert PASSWORD.encode() not in raw
    assert EMAIL.encode() not in raw
    assert_password_kept(home, out, err)

    again = await Run.start(env)
    await again.expect(f"Email: {EMAIL}\nPassword: (kept, encrypted in {keyring})")
    code, out, err = await again.finish()
    assert code == 0, err
    assert "signed in: session saved encrypted" in out
    assert (await admin(site))["logins"] == 2
    assert keyring.read_bytes() == raw  # used, not rewritten
    assert_password_kept(home, out, err)


async def test_another_email_is_asked_for_its_password(env: dict[str, str], home: Path) -> None:
    save_login(load_settings(), "someone-else@sandbox.test", "kept-but-not-this-one")
    run = await Run.start(env, "--email", EMAIL)
    await run.expect("Password: ")
    await run.send(PASSWORD)
    code, out, err = await run.finish()
    assert code == 0, err
    assert "kept, encrypted" not in out


async def test_a_refused_kept_password_says_how_to_forget_it(
    env: dict[str, str], home: Path, cli: Any
) -> None:
    save_login(load_settings(), EMAIL, "an-old-Passw0rd")
    code, out, err = await (await Run.start(env)).finish()
    assert code == 1
    assert err.strip() == (
        "linkpilot: error: login: Wrong email or password. Try again. (wrong password); the stored session "
        "is unchanged; the kept password was refused: run `linkpilot login --forget-password`, then sign in again"
    )
    assert_password_kept(home, out, err, password="an-old-Passw0rd")

    forgot = cli("login", "--forget-password")
    assert forgot.code == 0
    assert forgot.out.strip() == f"kept password removed ({home / 'login.enc'})"
    assert not (home / "login.enc").exists()
    assert cli("login", "--forget-password").out.strip() == "no kept password"
    refused = cli("login", "--forget-password", "--save-password")
    assert refused.code == 2
    assert "--forget-password takes no other option" in refused.err


async def test_picture_blocks_draws_the_page_before_its_question(
    env: dict[str, str], home: Path, site: RunningSandbox
) -> None:
    await admin(site, {"challenge": "pin_email", "pin": "424242"})
    run = await sign_in(env, "--picture", "blocks")
    await run.expect("▀")
    await run.expect("Enter the PIN sent to your email")
    await run.send("424242")
    code, out, err = await run.finish()
    assert code == 0, err
    assert "\x1b[38;2;" in out  # 24-bit colours: the pixels themselves
    assert_password_kept(home, out, err)


async def test_no_picture_into_a_pipe_unless_asked(env: dict[str, str], site: RunningSandbox) -> None:
    await admin(site, {"challenge": "pin_email", "pin": "424242"})
    run = await sign_in(env)
    await run.expect("Enter the PIN sent to your email")
    await run.send("424242")
    code, out, err = await run.finish()
    assert code == 0, err
    assert "▀" not in out
    assert "\x1b" not in out
