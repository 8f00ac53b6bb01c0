"""Sign-in challenges: what the site asks for after a right password, as the admin configured.

One account, so at most one sign-in waits on a challenge at a time; it is tied to the browser
that started it by the ``chp_token`` cookie, the way LinkedIn ties a challenge to its page.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

CHALLENGES = ("none", "pin_email", "pin_sms", "app", "captcha")
PIN_METHODS = ("pin_email", "pin_sms")
CHALLENGE_COOKIE = "chp_token"


class LoginSettingsError(ValueError):
    """A login payload the admin API cannot accept."""


@dataclass
class LoginSettings:
    # What a right email and password lead to.
    challenge: str = "none"
    # The PIN to expect; None draws a fresh six-digit one for every challenge.
    pin: str | None = None
    # Wrong PINs allowed before the challenge is dropped and the sign-in starts over.
    max_pin_attempts: int = 3
    # The app approves by itself once the challenge page was loaded this many times;
    # None: only when the admin posts {"action": "approve"}.
    approve_after_polls: int | None = None
    # The PIN that clears a checkpoint met while acting (checkpoint_after_actions); None:
    # no PIN ever clears it, the default the campaign tests rely on.
    checkpoint_pin: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "challenge": self.challenge,
            "pin": self.pin,
            "max_pin_attempts": self.max_pin_attempts,
            "approve_after_polls": self.approve_after_polls,
            "checkpoint_pin": self.checkpoint_pin,
        }

    def update(self, payload: dict[str, Any]) -> None:
        """Check every key first, then apply: a refused payload changes nothing."""
        changes: dict[str, Any] = {}
        for key, value in payload.items():
            if key == "challenge":
                if value not in CHALLENGES:
                    raise LoginSettingsError(f"challenge must be one of {list(CHALLENGES)}")
            elif key in ("pin", "checkpoint_pin"):
                if value is not None and (not isinstance(value, str) or not value.isdigit()):
                    raise LoginSettingsError(f"{key} must be a string of digits or null")
            elif key == "max_pin_attempts":
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise LoginSettingsError("max_pin_attempts must be a positive integer")
            elif key == "approve_after_polls":
                if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                    raise LoginSettingsError("approve_after_polls must be a positive integer or null")
            else:
                raise LoginSettingsError(f"unknown login setting {key!r}")
            changes[key] = value
        for key, value in changes.items():
            setattr(self, key, value)


@dataclass
class PendingLogin:
    token: str
    method: str
    pin: str
    redirect: str
    attempts: int = 0
    polls: int = 0
    approved: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "pin": self.pin,
            "attempts": self.attempts,
            "polls": self.polls,
            "approved": self.approved,
        }


def new_pending(settings: LoginSettings, redirect: str) -> PendingLogin:
    pin = settings.pin if settings.pin is not None else f"{secrets.randbelow(1_000_000):06d}"
    return PendingLogin(token=secrets.token_hex(8), method=settings.challenge, pin=pin, redirect=redirect)
