"""Signing in, or answering a checkpoint, without leaving the console.

Each step of the engine's sign-in shows the page's own text, its form fields and a picture
of the page, and takes the operator's answer in its own widget (a `ContentSwitcher` shows one
at a time): the credentials, a PIN, a choice of method, "done on my phone", and what to do
with the breaker after. The breaker closes only when the operator asks, and only after the
new session checked as valid; anything else leaves the breaker and the stored session alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Button, ContentSwitcher, Footer, Input, Label, Static, Switch

from linkpilot.common.errors import LinkPilotError
from linkpilot.common.text import counted
from linkpilot.console.facade import LoginSession
from linkpilot.console.screens.base import ConsoleScreen
from linkpilot.console.widgets.page_picture import PagePicture
from linkpilot.console.workers import run_guarded
from linkpilot.engine.login.steps import (
    Approval,
    Captcha,
    ChooseMethod,
    Done,
    Failed,
    FormField,
    NeedPin,
    Step,
    WaitingForApproval,
    finished,
)

CHANNELS = {"email": "your email", "sms": "your phone by text message"}
NOTHING = "nothing"  # the switcher's empty step: while the engine works, or once all is said


def describe_fields(fields: tuple[FormField, ...]) -> str:
    if not fields:
        return ""
    return "Form: " + "; ".join(
        f"{f.label or f.name or f.id or 'input'} [{f.type}]" + (f" #{f.id}" if f.id else "") for f in fields
    )


class CredentialsStep(Vertical):
    """The account's email and password, or the stored session for a checkpoint."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="email or phone", id="email")
        yield Input(placeholder="password", password=True, id="password")
        with Horizontal(classes="save-row"):
            yield Switch(value=False, id="save-password")
            yield Label("keep the password (encrypted)")
        yield Button("Sign in", id="sign-in", variant="primary")
        yield Button("Answer the checkpoint (stored session)", id="resume")


class PinStep(Vertical):
    def compose(self) -> ComposeResult:
        yield Input(placeholder="PIN", id="pin", max_length=16)
        yield Button("Send the PIN", id="send-pin", variant="primary")


class ApprovalStep(Vertical):
    def compose(self) -> ComposeResult:
        yield Button("Done on my phone", id="approved", variant="primary")


class MethodStep(Vertical):
    """One button per way LinkedIn offers (mounted when the step arrives)."""


class BreakerStep(Vertical):
    """Signed in with the breaker open: close it, or leave it as it is."""

    def compose(self) -> ComposeResult:
        yield Button("Close the breaker", id="close-breaker", variant="warning")
        yield Button("Leave it open", id="leave-open")


class LoginScreen(ConsoleScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back", id="login.leave"),
    ]

    def __init__(self, *, checkpoint: bool = False) -> None:
        super().__init__()
        self.checkpoint = checkpoint  # opened because the breaker opened on a checkpoint
        self.flow: LoginSession | None = None
        self.step: Step | None = None
        self.done: Done | None = None
        self._stop = asyncio.Event()  # ends an approval wait
        self._after_wait: Approval | None = None  # what to do once it ended
        self._to_save: tuple[str, str] | None = None  # kept only until the sign-in ends
        self._countdown: Timer | None = None  # the approval wait's seconds left, once a second
        self._approval_ends = 0.0

    def compose(self) -> ComposeResult:
        yield Label("Sign in to LinkedIn", id="login-title")
        with Horizontal(id="login-body"):
            yield PagePicture(id="page-picture")
            with VerticalScroll(id="login-side"):
                yield Static("", id="login-status")
                yield Static("", id="page-text")
                yield Static("", id="page-error")
                yield Static("", id="page-fields")
                with ContentSwitcher(initial="credentials", id="login-steps"):
                    yield CredentialsStep(id="credentials")
                    yield PinStep(id="pin-form")
                    yield ApprovalStep(id="approval")
                    yield MethodStep(id="choices")
                    yield BreakerStep(id="after")
                    yield Vertical(id=NOTHING)
                yield Button("Try another way", id="another-way")
                yield Button("Back to the dashboard", id="back")
        yield Footer()

    def on_mount(self) -> None:
        saved = self.console.facade.saved_login()
        if saved is not None:
            self.query_one("#email", Input).value = saved.email
            self.query_one("#password", Input).placeholder = "saved (encrypted): leave empty to use it"
        if self.checkpoint:
            self._say(
                "The breaker opened on a checkpoint.",
                "Answer it with the stored session, or sign in again with the email and password.",
            )
        else:
            self._say("Sign in with the account's email and password.")
        self._pane("credentials")
        self.query_one("#resume" if self.checkpoint else "#email").focus()

    # Showing ------------------------------------------------------------------------------

    def _say(self, status: str, text: str = "", error: str = "", fields: str = "") -> None:
        self.query_one("#login-status", Static).update(Text(status))
        self.query_one("#page-text", Static).update(Text(text))
        self.query_one("#page-error", Static).update(Text(error))
        self.query_one("#page-fields", Static).update(Text(fields))

    def _pane(self, shown: str | None, *, another_way: bool = False, busy: bool = False) -> None:
        self.query_one(ContentSwitcher).current = NOTHING if busy or shown is None else shown
        self.query_one("#another-way").display = another_way and not busy

    @property
    def busy(self) -> bool:
        return any(w.node is self and w.group == "login" and w.is_running for w in self.workers)

    async def _show(self, step: Step) -> None:
        """Show a step (with a fresh picture of the page) and set up its answer."""
        self.step = step
        flow = self.flow
        if flow is not None and not isinstance(step, Done):
            try:
                self.query_one(PagePicture).show_png(await flow.screenshot())
            except Exception as exc:  # a picture is a help, never a reason to stop
                self.query_one(PagePicture).show_png(None, f"no picture: {type(exc).__name__}")
        if isinstance(step, NeedPin):
            status = f"LinkedIn sent a PIN to {CHANNELS[step.channel]}."
            if step.error:
                status = f"That PIN was refused; {step.attempts_left} tries left."
            self._say(status, step.prompt, step.error or "", describe_fields(step.fields))
            self._pane("pin-form", another_way=step.can_try_another_way)
            pin = self.query_one("#pin", Input)
            pin.value = ""
            pin.focus()
        elif isinstance(step, WaitingForApproval):
            self._say(
                self._approval_status(step.seconds_left),
                step.prompt,
                "",
                "No form: tap Yes on your phone, then press Done on my phone.",
            )
            self._pane("approval", another_way=step.can_try_another_way)
            self.query_one("#approved").focus()
            # The flow owns the deadline; this only shows it going down between polls.
            self._approval_ends = time.monotonic() + step.seconds_left
            if self._countdown is None:
                self._countdown = self.set_interval(1.0, self._tick)
            try:
                await self._wait(step)
            finally:
                self._stop_countdown()
        elif isinstance(step, ChooseMethod):
            self._say("LinkedIn offers these ways to confirm it is you:", step.prompt, "", "Form: a choice")
            choices = self.query_one(MethodStep)
            await choices.remove_children()
            await choices.mount_all(
                Button(option.label, id=f"choice-{n}", name=option.key)
                for n, option in enumerate(step.options)
            )
            self._pane("choices")
            if step.options:
                self.query_one("#choice-0").focus()
        elif isinstance(step, Done):
            await self._done(step)
        elif isinstance(step, Captcha):
            self._say("LinkedIn asks for a captcha: not answered here.", step.page_text, step.instructions)
            await self._end()
        elif isinstance(step, Failed):
            self._say(
                f"The sign-in did not complete ({step.kind.replace('_', ' ')}).",
                "The stored session is unchanged and the breaker is as it was.",
                step.reason,
            )
            await self._end()

    async def _end(self) -> None:
        """A finished sign-in: its browser closes, the password goes, the form comes back."""
        self._to_save = None
        flow, self.flow = self.flow, None
        if flow is not None:
            await flow.close()
        self._pane("credentials")
        self.query_one("#back").focus()

    async def _done(self, step: Done) -> None:
        self._say("Signed in; checking the session…")
        to_save, self._to_save = self._to_save, None
        flow, self.flow = self.flow, None
        if flow is not None:
            await flow.close()
        try:
            done = await self.console.facade.check_login(step)
        except Exception as exc:  # the feed showed a checkpoint again, the browser failed...
            detail = exc.message if isinstance(exc, LinkPilotError) else type(exc).__name__
            self._say(
                "Signed in, but the new session could not be checked.",
                "The breaker is as it was: sign in again, or check the account in a browser.",
                detail,
            )
            self._pane(None)
            self.query_one("#back").focus()
            return
        self.done = done
        if done.status.state != "valid":
            self._say(
                f"Signed in, but the session checks as {done.status.state}.",
                "The breaker is as it was: sign in again or import a session.",
            )
            self._pane(None)
            self.query_one("#back").focus()
            return
        kept = ""
        if to_save is not None:
            self.console.facade.save_login(*to_save)
            kept = " The password is kept in LinkPilot's encrypted keyring file."
        text = f"Session saved encrypted ({counted(done.cookies, 'cookie')}); session: valid (checked just now).{kept}"
        if self.console.state.breaker.state != "closed":
            breaker = self.console.state.breaker
            self._say(
                "Signed in. Close the breaker so campaigns act again?",
                text,
                "",
                f"The breaker is open ({breaker.reason or 'unknown reason'}).",
            )
            self._pane("after")
            self.query_one("#leave-open").focus()
        else:
            self._say("Signed in.", text)
            self._pane(None)
            self.query_one("#back").focus()

    @staticmethod
    def _approval_status(seconds_left: float) -> str:
        return f"Approve the sign-in in the LinkedIn app (waiting, {max(0, round(seconds_left))} s left)."

    def _tick(self) -> None:
        if isinstance(self.step, WaitingForApproval):
            left = self._approval_ends - time.monotonic()
            self.query_one("#login-status", Static).update(Text(self._approval_status(left)))

    def _stop_countdown(self) -> None:
        timer, self._countdown = self._countdown, None
        if timer is not None:
            timer.stop()

    async def _wait(self, step: WaitingForApproval) -> None:
        flow = self.flow
        assert flow is not None
        self._stop = asyncio.Event()
        current = await flow.wait_for_approval(step, self._stop)
        asked, self._after_wait = self._after_wait, None
        if isinstance(current, WaitingForApproval) and asked is not None:
            if asked is Approval.POLL:
                self._say("Looking whether the app approved…")
            current = await flow.answer(current, asked)
        await self._show(current)

    # Acting -------------------------------------------------------------------------------

    def _run(self, name: str, job: Callable[[], Awaitable[None]]) -> None:
        async def guarded() -> None:
            try:
                await job()
            except Exception as exc:
                # No session to resume, a key that does not decrypt...: said here, nothing changed.
                expected = isinstance(exc, LinkPilotError)
                detail = exc.message if isinstance(exc, LinkPilotError) else f"{type(exc).__name__}: {exc}"
                self._say("The sign-in did not start." if expected else "The sign-in stopped.", "", detail)
                await self._end()
                if not expected:
                    raise  # and the app reports it in its log, as any worker failure

        self._pane(None, busy=True)
        run_guarded(self, guarded, name=name, group="login", exclusive=True)

    def _start(self, begin: Callable[[LoginSession], Awaitable[Step]], status: str) -> None:
        if self.busy:
            return

        async def job() -> None:
            self._say(status)
            self.query_one(PagePicture).show_png(None, "opening the page…")
            if self.flow is not None:  # an earlier sign-in left open: one browser at a time
                await self.flow.close()
            flow = self.console.facade.open_login()
            self.flow = flow
            await self._show(await begin(flow))

        self._run("signing in", job)

    def _answer(self, value: str | Approval, status: str) -> None:
        flow, step = self.flow, self.step
        if flow is None or step is None or finished(step) or self.busy:
            return

        async def job() -> None:
            self._say(status)
            await self._show(await flow.answer(step, value))

        self._run("answering the sign-in", job)

    def sign_in(self) -> None:
        email = self.query_one("#email", Input).value.strip()
        password_input = self.query_one("#password", Input)
        password = password_input.value
        password_input.value = ""  # gone from the screen at once
        saved = self.console.facade.saved_login()
        if not password and saved is not None and (not email or email == saved.email):
            email, password = saved.email, saved.password
        if not email or not password:
            self._say("Type the email and the password first.")
            return
        if self.query_one("#save-password", Switch).value:
            self._to_save = (email, password)

        async def begin(flow: LoginSession) -> Step:
            return await flow.start(email, password)

        self._start(begin, "Signing in…")

    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#send-pin")
    def send_pin(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        self._answer(self.query_one("#pin", Input).value, "Sending the PIN…")

    @on(Input.Submitted, "#email")
    def email_given(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#sign-in")
    def sign_in_asked(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        self.sign_in()

    @on(Button.Pressed, "#resume")
    def resume_asked(self, event: Button.Pressed) -> None:
        event.stop()

        async def resume(flow: LoginSession) -> Step:
            return await flow.resume()

        self._start(resume, "Opening the feed with the stored session…")

    @on(Button.Pressed, "#choices Button")
    def method_chosen(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.name:
            self._answer(event.button.name, f"Asking for: {event.button.label}…")

    @on(Button.Pressed, "#approved")
    def approved(self, event: Button.Pressed) -> None:
        event.stop()
        self._end_wait(Approval.POLL)

    @on(Button.Pressed, "#another-way")
    def another_way(self, event: Button.Pressed) -> None:
        event.stop()
        if isinstance(self.step, WaitingForApproval):
            self._end_wait(Approval.ANOTHER_WAY)
        else:
            self._answer(Approval.ANOTHER_WAY, "Trying another way…")

    def _end_wait(self, then: Approval) -> None:
        # The wait is running: end it, then poll at once or follow "Try another way".
        if isinstance(self.step, WaitingForApproval):
            self._after_wait = then
            self._stop.set()

    @on(Button.Pressed, "#close-breaker")
    def close_asked(self, event: Button.Pressed) -> None:
        event.stop()
        self._close_breaker()

    @on(Button.Pressed, "#leave-open")
    @on(Button.Pressed, "#back")
    def back_asked(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_leave()

    def _close_breaker(self) -> None:
        done = self.done
        if done is None:
            return

        async def job() -> None:
            closed = await self.console.facade.close_breaker_after_login(done)
            self._say("Breaker closed: campaigns can act again." if closed else "The breaker was not closed.")
            self._pane(None)
            self.query_one("#back").focus()

        self._run("closing the breaker", job)

    def action_leave(self) -> None:
        """Back to where the operator was: a sign-in still going is abandoned, its browser closed."""
        self._stop.set()
        for worker in list(self.workers):
            if worker.node is self and worker.group == "login":
                worker.cancel()
        flow, self.flow = self.flow, None
        self._to_save = None

        async def leave() -> None:
            if flow is not None:
                with contextlib.suppress(Exception):
                    await flow.close()

        run_guarded(self.console, leave, name="closing the sign-in", group="login-close")
        if self.console.screen is self:
            self.console.pop_screen()
