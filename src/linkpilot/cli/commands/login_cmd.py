"""`linkpilot login`: sign in with email and password, answering each challenge in the terminal."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
from collections.abc import Awaitable, Callable
from typing import cast

import click
from rich.console import Console

from linkpilot.cli.commands.breaker_cmd import describe
from linkpilot.cli.common import prepare_home, run_async, settings_from_env, with_database
from linkpilot.cli.picture import Protocol, detect, for_terminal
from linkpilot.cli.terminal_input import Terminal
from linkpilot.common.errors import BadInput, ExitCode, LinkPilotError
from linkpilot.common.settings import Settings
from linkpilot.common.text import counted
from linkpilot.engine.breaker import BreakerState, create_breaker
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
)
from linkpilot.engine.login.keyring import forget_login, keyring_path, load_saved_login, save_login
from linkpilot.engine.session.crypto import key_path
from linkpilot.engine.session.store import session_path
from linkpilot.storage.database import Database

CHANNELS = {"email": "your email", "sms": "your phone by text message"}
# Failures that mean the account needs the operator, not another try.
BLOCKING = {"restricted", "blocked"}


class LoginFailed(LinkPilotError):
    """The sign-in did not complete; the stored session and the breaker are as they were."""


class LoginBlocked(LoginFailed):
    exit_code = ExitCode.BREAKER_OPEN


class LoginNoSession(LoginFailed):
    exit_code = ExitCode.NO_SESSION


@click.command()
@click.option("--email", help="The account's email address or phone number (asked for when left out).")
@click.option(
    "--checkpoint",
    "resume",
    is_flag=True,
    help="Answer the checkpoint met while acting, with the stored session: no email or password.",
)
@click.option(
    "--reset-breaker",
    is_flag=True,
    help="Close an open breaker without asking, once the new session checks as valid.",
)
@click.option(
    "--approval-timeout",
    type=click.IntRange(1, 3600),
    default=300,
    show_default=True,
    help="Seconds to wait for an approval in the LinkedIn app.",
)
@click.option(
    "--save-password",
    is_flag=True,
    help="Keep the password, encrypted, in LinkPilot's own keyring file (login.enc) for later sign-ins.",
)
@click.option(
    "--forget-password", is_flag=True, help="Remove the kept password (login.enc) and sign in no further."
)
@click.option(
    "--picture",
    type=click.Choice(["auto", "none", "blocks", "sixel", "kitty"]),
    default="auto",
    show_default=True,
    help="How to draw each page before its question: auto guesses from TERM, and draws nothing "
    "when the output is not a terminal.",
)
# Between two looks at the approval page; hidden: only tests against the practice site change it.
@click.option("--poll-interval", type=click.FloatRange(0.05, 60), default=3.0, hidden=True)
def login(
    email: str | None,
    resume: bool,
    reset_breaker: bool,
    approval_timeout: int,
    save_password: bool,
    forget_password: bool,
    picture: str,
    poll_interval: float,
) -> int:
    """Sign in to LinkedIn from here: email, password, then any PIN, app approval or other check.

    The password is typed without echo (or read from standard input when that is not a
    terminal) and used once; it is kept only with --save-password, encrypted. The session
    the sign-in yields replaces the stored one, encrypted as with `session import`; a failed
    sign-in changes nothing.
    """
    if resume and email:
        raise BadInput("login: --checkpoint takes no --email: it goes on with the stored session")
    if forget_password and (resume or email or save_password):
        raise BadInput("login: --forget-password takes no other option: it only removes the kept password")
    if resume and save_password:
        raise BadInput("login: --checkpoint uses no password, so there is none to save")
    settings = settings_from_env()
    prepare_home(settings)
    if forget_password:
        removed = forget_login(settings)
        click.echo(f"kept password removed ({keyring_path(settings)})" if removed else "no kept password")
        return int(ExitCode.OK)
    terminal = Terminal()
    timeouts = LoginTimeouts(approval_s=float(approval_timeout), poll_interval_s=poll_interval)
    new_key = settings.secret_key is None and not key_path(settings).exists()
    drawing = _protocol(picture)
    if resume:
        done = run_async(_drive)(settings, terminal, timeouts, lambda flow: flow.resume(), drawing)
        click.echo(f"checkpoint cleared: {_saved(settings, done)}")
    else:
        done = _sign_in(settings, terminal, email, timeouts, drawing, save_password)
        click.echo(f"signed in: {_saved(settings, done)}")
    if new_key:
        click.echo(
            f"a new encryption key was written to {key_path(settings)}: keep it with your backups, "
            "or set LINKPILOT_SECRET_KEY instead",
            err=True,
        )
    run_async(with_database)(
        settings, lambda db: _breaker_after_login(db, settings, done, terminal, reset_breaker)
    )
    return int(ExitCode.OK)


def _saved(settings: Settings, done: Done) -> str:
    return (
        f"session saved encrypted to {session_path(settings)} ({counted(done.cookies, 'cookie')}); "
        "session: valid (checked just now)"
    )


def _protocol(choice: str) -> Protocol | None:
    """How to draw pages: never into a pipe or a file, where escapes would only be noise."""
    if choice == "none" or (choice == "auto" and not sys.stdout.isatty()):
        return None
    if choice == "auto":
        return detect(os.environ)
    assert choice in ("blocks", "sixel", "kitty")
    return cast("Protocol", choice)


def _sign_in(
    settings: Settings,
    terminal: Terminal,
    email: str | None,
    timeouts: LoginTimeouts,
    drawing: Protocol | None,
    save_password: bool,
) -> Done:
    saved = load_saved_login(settings)
    kept = saved is not None and (not email or email.strip() == saved.email)
    if saved is not None and kept:
        # The kept password, not asked for: it is used like a typed one and shown nowhere.
        click.echo(f"Email: {saved.email}\nPassword: (kept, encrypted in {keyring_path(settings)})")
        account, password = saved.email, saved.password
    else:
        if not email:
            email = terminal.ask("Email: ")
            if email is None:
                raise BadInput("login: the input ended before the email was given")
        typed = terminal.secret("Password: ")
        if typed is None:
            raise BadInput("login: the input ended before the password was given")
        account, password = email, typed
    try:
        done = run_async(_drive)(
            settings, terminal, timeouts, lambda flow: flow.start(account, password), drawing
        )
    except LoginFailed as exc:
        if kept and "(wrong password)" in exc.message:
            raise type(exc)(
                f"{exc.message}; the kept password was refused: run `linkpilot login --forget-password`, "
                "then sign in again"
            ) from None
        raise
    if save_password:
        path = save_login(settings, account, password)
        click.echo(f"password kept, encrypted, in LinkPilot's own keyring file {path}")
    return done


async def _drive(
    settings: Settings,
    terminal: Terminal,
    timeouts: LoginTimeouts,
    begin: Callable[[LoginFlow], Awaitable[Step]],
    drawing: Protocol | None = None,
) -> Done:
    async with LoginFlow(settings, timeouts=timeouts) as flow:
        click.echo("signing in…")
        step = await begin(flow)
        while True:
            if drawing is not None and not isinstance(step, Done | Failed):
                await _draw(flow, drawing)
            if isinstance(step, Done):
                return step
            if isinstance(step, Failed):
                error = LoginBlocked if step.kind in BLOCKING else LoginFailed
                raise (LoginNoSession if step.kind == "logged_out" else error)(
                    f"login: {step.reason} ({step.kind.replace('_', ' ')}); the stored session is unchanged"
                )
            if isinstance(step, Captcha):
                click.echo(step.instructions)
                raise LoginBlocked(
                    "login: LinkedIn asks for a captcha; solve it from a browser on the same network, "
                    "then run `linkpilot session import`"
                )
            step = await _answer(flow, step, terminal)


async def _draw(flow: LoginFlow, drawing: Protocol) -> None:
    """The page as LinkedIn shows it, above its question: a help, never a reason to stop."""
    try:
        png = await flow.screenshot()
    except Exception:
        return
    size = shutil.get_terminal_size((80, 24))
    columns, rows = max(20, min(size.columns, 100)), max(6, min(size.lines - 8, 30))
    drawn = await asyncio.to_thread(for_terminal, png, drawing, columns, rows)
    if isinstance(drawn, str):
        sys.stdout.write(drawn + "\n")
        sys.stdout.flush()
    else:
        Console(color_system="truecolor", highlight=False).print(drawn)


async def _answer(flow: LoginFlow, step: Step, terminal: Terminal) -> Step:
    if isinstance(step, NeedPin):
        return await _pin(flow, step, terminal)
    if isinstance(step, WaitingForApproval):
        return await _approval(flow, step, terminal)
    if isinstance(step, ChooseMethod):
        return await _choose(flow, step, terminal)
    raise AssertionError(f"unexpected step {type(step).__name__}")


async def _pin(flow: LoginFlow, step: NeedPin, terminal: Terminal) -> Step:
    if step.error:
        click.echo(f"  {step.error}")
    else:
        click.echo(f"LinkedIn: {step.prompt}")
    hint = " (or type `another` to try another way)" if step.can_try_another_way else ""
    value = await terminal.ask_async(f"Enter the PIN sent to {CHANNELS[step.channel]}{hint}: ")
    if value is None:
        raise LoginFailed("login: the input ended before the PIN was given; the stored session is unchanged")
    if step.can_try_another_way and value.strip().lower() == "another":
        return await flow.answer(step, Approval.ANOTHER_WAY)
    return await flow.answer(step, value)


async def _approval(flow: LoginFlow, step: WaitingForApproval, terminal: Terminal) -> Step:
    if step.can_try_another_way:
        click.echo("Approve the sign-in in the LinkedIn app; waiting… (press Enter to try another way)")
    else:
        click.echo("Approve the sign-in in the LinkedIn app; waiting…")
    stop = asyncio.Event()
    polling = asyncio.create_task(flow.wait_for_approval(step, stop))
    enter = asyncio.create_task(terminal.readline()) if step.can_try_another_way else None
    try:
        while enter is not None:
            await asyncio.wait({polling, enter}, return_when=asyncio.FIRST_COMPLETED)
            if polling.done():
                break
            if enter.result() is None:
                enter = None  # the input ended: nobody will press Enter, keep waiting
                break
            stop.set()
            current = await polling
            if isinstance(current, WaitingForApproval):
                click.echo("trying another way…")
                return await flow.answer(current, Approval.ANOTHER_WAY)
            return current
        return await polling
    finally:
        for task in (polling, enter):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


async def _choose(flow: LoginFlow, step: ChooseMethod, terminal: Terminal) -> Step:
    click.echo("LinkedIn offers these ways to confirm it is you:")
    for number, option in enumerate(step.options, 1):
        click.echo(f"  {number}. {option.label}")
    for _ in range(3):
        value = await terminal.ask_async(f"Choose 1-{len(step.options)}: ")
        if value is None:
            break
        if value.strip().isdigit() and 1 <= int(value) <= len(step.options):
            return await flow.answer(step, step.options[int(value) - 1].key)
        click.echo(f"  type a number from 1 to {len(step.options)}")
    raise LoginFailed("login: no way to confirm was chosen; the stored session is unchanged")


async def _breaker_after_login(
    db: Database, settings: Settings, done: Done, terminal: Terminal, reset: bool
) -> None:
    breaker = create_breaker(settings, db)
    try:
        snap = await breaker.state()
        if snap.state == BreakerState.CLOSED:
            return
        click.echo(describe(snap))
        if not reset:
            answer = await terminal.ask_async(
                "The new session is valid. Close the breaker so campaigns act again? [y/N]: "
            )
            reset = (answer or "").strip().lower() in ("y", "yes")
        if not reset:
            click.echo("breaker left open: run `linkpilot breaker reset` when the account is ready")
            return
        before = await close_breaker_after_login(breaker, done)
        if before is not None:
            click.echo("breaker reset: closed")
    finally:
        await breaker.close()
