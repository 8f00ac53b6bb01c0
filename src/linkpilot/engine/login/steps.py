"""What a sign-in asks of the operator next: one typed step at a time.

A front end (the `linkpilot login` prompts, a console screen) shows the step and hands the
operator's answer back to ``LoginFlow.answer``; it never touches the browser itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from linkpilot.engine.session.store import SessionStatus

PinChannel = Literal["email", "sms"]
FailureKind = Literal[
    "wrong_password",  # the sign-in page said the email or password is wrong
    "logged_out",  # resuming: the stored session is not accepted any more
    "rejected",  # the site dropped the challenge (too many wrong PINs) and asks to sign in again
    "too_many_attempts",  # LinkPilot's own cap on PINs tried in one sign-in
    "timeout",  # a page did not load in time, or the app approval did not come
    "restricted",  # the account is restricted: nothing to answer
    "blocked",  # another page than a sign-in step (a limit warning, an unknown checkpoint)
    "site",  # the site or the browser failed (HTTP error, crash, off-origin redirect)
]


class Approval(StrEnum):
    """The answers a ``WaitingForApproval`` step takes."""

    POLL = "poll"  # look once more whether the app approved
    ANOTHER_WAY = "another_way"  # follow "Try another way"


@dataclass(frozen=True)
class FormField:
    """An input the page shows, for a front end that wants to show the form as it is."""

    name: str
    id: str
    type: str
    label: str


@dataclass(frozen=True)
class MethodOption:
    key: str  # what to hand back to ``answer``
    label: str  # the page's own wording


@dataclass(frozen=True)
class NeedPin:
    channel: PinChannel
    prompt: str  # the page's heading and explanation
    fields: tuple[FormField, ...]
    error: str | None = None  # the page's message about the previous PIN, if it was wrong
    attempts_left: int = 0  # before LinkPilot gives up on its own
    can_try_another_way: bool = False


@dataclass(frozen=True)
class WaitingForApproval:
    prompt: str
    can_try_another_way: bool
    polls: int  # page loads so far
    seconds_left: float  # until the flow gives up with Failed("timeout")
    poll_interval_s: float


@dataclass(frozen=True)
class ChooseMethod:
    prompt: str
    options: tuple[MethodOption, ...]


@dataclass(frozen=True)
class Captcha:
    """LinkPilot never solves a captcha: the operator signs in elsewhere and imports the session."""

    instructions: str
    page_text: str


@dataclass(frozen=True)
class Done:
    status: SessionStatus  # valid: the feed opened with the new cookies
    cookies: int


@dataclass(frozen=True)
class Failed:
    kind: FailureKind
    reason: str


Step = NeedPin | WaitingForApproval | ChooseMethod | Captcha | Done | Failed
Answer = str | Approval

CAPTCHA_INSTRUCTIONS = (
    "LinkedIn asks for a captcha, and LinkPilot never solves one. Sign in from a browser on a "
    "computer on the same network (so LinkedIn sees the same address), solve the captcha there, "
    "then bring that browser's session in with `linkpilot session import`."
)


def finished(step: Step) -> bool:
    return isinstance(step, Done | Failed | Captcha)
