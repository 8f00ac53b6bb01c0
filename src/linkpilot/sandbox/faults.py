"""Faults the admin API can switch on to rehearse trouble (checkpoints, 500s, lost sends)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


class FaultError(ValueError):
    """A fault payload the admin API cannot accept."""


@dataclass
class Faults:
    # After this many recorded actions (sent messages, profile visits, withdrawals) every
    # member page redirects to the matching trouble page. None means never.
    checkpoint_after_actions: int | None = None
    captcha_after_actions: int | None = None
    restricted_after_actions: int | None = None
    slow_ms: int = 0
    # The next N Sends are recorded at once but answered only after slow_send_ms: the message
    # is in the thread while the sender still waits for it (a slow network on the way back).
    slow_sends: int = 0
    slow_send_ms: int = 0
    # The next N member page requests answer 500.
    http_500: int = 0
    # The next Send answers 200 but records nothing and adds no bubble: a "lost" message.
    silent_send_once: bool = False
    # Member pages show LinkedIn's weekly invitation limit banner.
    invitation_limit: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def update(self, payload: dict[str, Any]) -> None:
        known = {f.name: f for f in fields(self)}
        for key, value in payload.items():
            if key not in known:
                raise FaultError(f"unknown fault {key!r}; known: {sorted(known)}")
            if key in ("silent_send_once", "invitation_limit"):
                if not isinstance(value, bool):
                    raise FaultError(f"{key} must be true or false")
            elif key.endswith("_after_actions"):
                if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                    raise FaultError(f"{key} must be a non-negative integer or null")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise FaultError(f"{key} must be a non-negative integer")
            setattr(self, key, value)

    def trouble(self, actions: int) -> str | None:
        """Which trouble page member requests go to now, if any (restriction wins)."""
        for name, limit in (
            ("restricted", self.restricted_after_actions),
            ("captcha", self.captcha_after_actions),
            ("checkpoint", self.checkpoint_after_actions),
        ):
            if limit is not None and actions >= limit:
                return name
        return None
