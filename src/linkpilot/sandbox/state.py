"""Mutable state of a running practice site: the world, what the engine did, faults, session."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from linkpilot.sandbox.config import SandboxConfig
from linkpilot.sandbox.data import Message, World, build_world
from linkpilot.sandbox.faults import Faults
from linkpilot.sandbox.login import LoginSettings, PendingLogin


@dataclass
class Record:
    """What the engine did, as the site saw it: tests assert on this, never on the engine."""

    messages: list[dict[str, str]] = field(default_factory=list)
    visits: list[str] = field(default_factory=list)
    withdrawals: list[str] = field(default_factory=list)
    searches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def actions(self) -> int:
        return len(self.messages) + len(self.visits) + len(self.withdrawals)

    def to_json(self) -> dict[str, Any]:
        return {
            "messages": list(self.messages),
            "visits": list(self.visits),
            "withdrawals": list(self.withdrawals),
            "searches": list(self.searches),
        }


class SandboxState:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.reset()

    def reset(self) -> None:
        """Back to the freshly built world, keeping the current language and markup."""
        self.world: World = build_world(self.config)
        self.last_stamp: dt.datetime | None = None
        self.threads: dict[str, list[Message]] = {
            slug: list(msgs) for slug, msgs in self.world.threads.items()
        }
        self.withdrawn: set[str] = set()
        self.record = Record()
        self.faults = Faults()
        self.accepted_tokens: set[str] = {self.config.li_at}
        self.current_token = self.config.li_at
        self.rotations = 0
        self.rotate_pending = False
        self.bubble_serial = 0
        self.login_settings = LoginSettings()
        self.pending_login: PendingLogin | None = None
        self.logins = 0

    def reconfigure(self, **changes: Any) -> None:
        """Switch language or markup at runtime; the world is unaffected by either."""
        self.config = dataclasses.replace(self.config, **changes)

    @property
    def today(self) -> dt.date:
        """The date the world was built around (see SandboxConfig)."""
        return self.world.today

    def stamp(self) -> dt.datetime:
        """The site's clock for a recorded event, strictly after the previous one, so a
        frozen test clock still orders the thread."""
        now = self.config.now()
        if self.last_stamp is not None and now <= self.last_stamp:
            now = self.last_stamp + dt.timedelta(microseconds=1)
        self.last_stamp = now
        return now

    # Session -------------------------------------------------------------------------

    def is_logged_in(self, token: str | None) -> bool:
        return token is not None and token in self.accepted_tokens

    def login(self) -> str:
        self.accepted_tokens.add(self.current_token)
        self.logins += 1
        return self.current_token

    def pending_for(self, token: str | None) -> PendingLogin | None:
        """The challenge waiting for the browser holding this ``chp_token``, if any."""
        pending = self.pending_login
        return pending if pending is not None and token == pending.token else None

    def login_json(self) -> dict[str, Any]:
        pending = self.pending_login
        return {
            **self.login_settings.to_json(),
            "pending": pending.to_json() if pending is not None else None,
            "logins": self.logins,
        }

    def expire(self) -> None:
        self.accepted_tokens.clear()

    def request_rotation(self) -> None:
        self.rotate_pending = True

    def take_rotation(self) -> str | None:
        """The new li_at to hand out on /feed/, if a rotation is pending.

        The old value stays valid, as on LinkedIn, so a client that misses the
        Set-Cookie is not logged out on the spot.
        """
        if not self.rotate_pending:
            return None
        self.rotate_pending = False
        self.rotations += 1
        self.current_token = f"{self.config.li_at}-r{self.rotations}"
        self.accepted_tokens.add(self.current_token)
        return self.current_token

    def session_json(self) -> dict[str, Any]:
        return {
            "li_at": self.current_token,
            "accepted": sorted(self.accepted_tokens),
            "rotations": self.rotations,
            "rotate_pending": self.rotate_pending,
        }
