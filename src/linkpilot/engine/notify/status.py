"""What the console shows of the channels: each one masked, with its last delivery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from linkpilot.engine.events import Event


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    label: str  # masked: `#1 ntfy://ntfy.sh/…`
    last_at: datetime | None = None
    delivered: bool | None = None  # None: nothing tried yet
    title: str | None = None
    error: str | None = None
    pending: int = 0

    def describe(self) -> str:
        if self.last_at is None:
            return "nothing sent yet"
        state = "delivered" if self.delivered else f"FAILED ({self.error or 'not delivered'})"
        waiting = f"; {self.pending} waiting" if self.pending else ""
        return f"{state}: {self.title}{waiting}"


@dataclass(frozen=True, slots=True, kw_only=True)
class NotifyStatus(Event):
    """Published after every delivery attempt, and when the notifier starts."""

    channels: tuple[ChannelStatus, ...]
