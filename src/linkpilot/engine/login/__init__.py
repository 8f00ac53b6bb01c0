"""Signing in from the terminal: email and password, then each challenge as a typed step."""

from __future__ import annotations

from linkpilot.engine.login.breaker import close_breaker_after_login
from linkpilot.engine.login.flow import LoginFlow, LoginTimeouts
from linkpilot.engine.login.steps import (
    CAPTCHA_INSTRUCTIONS,
    Answer,
    Approval,
    Captcha,
    ChooseMethod,
    Done,
    Failed,
    FailureKind,
    FormField,
    MethodOption,
    NeedPin,
    PinChannel,
    Step,
    WaitingForApproval,
    finished,
)

__all__ = [
    "CAPTCHA_INSTRUCTIONS",
    "Answer",
    "Approval",
    "Captcha",
    "ChooseMethod",
    "Done",
    "Failed",
    "FailureKind",
    "FormField",
    "LoginFlow",
    "LoginTimeouts",
    "MethodOption",
    "NeedPin",
    "PinChannel",
    "Step",
    "WaitingForApproval",
    "close_breaker_after_login",
    "finished",
]
