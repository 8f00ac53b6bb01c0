"""What every quota ledger promises, whatever stores it.

A unit of quota is *reserved* before an action, then *committed* once the action happened or
*released* if it did not. A reservation counts against every window exactly like a committed
unit, so two processes can never both take the last one. A reservation that is neither
committed nor released (its process crashed, or stalled) keeps counting until its windows pass:
the process may have died right after clicking Send, so the unit is treated as spent. Freeing
it after a timeout let a stalled action and a fresh one share one unit (found by the property
test). RESERVATION_TTL is kept only as the time a reservation is expected to be settled in.

Dry runs never reserve: a campaign in dry run simply never calls `reserve`, so there is no
"dry" flag here that could be forgotten and end up consuming.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal, Protocol

from linkpilot.common.errors import LinkPilotError

# Long enough for the slowest single action (a paced message send takes a few minutes at most),
# short enough that a crashed run gives its units back well within the same working day.
RESERVATION_TTL = timedelta(minutes=15)
# The stored states of a unit that counts against its windows: committed, and every
# reservation not released (one whose process died may have reached the site).
LIVE_STATES = ("committed", "reserved")
# The backend name of the embedded ledger (the application's own database).
EMBEDDED = "sqlite"


class Action(StrEnum):
    MESSAGE = "message"
    PROFILE_VISIT = "profile_visit"
    INVITATION_WITHDRAWAL = "invitation_withdrawal"
    SEARCH = "search"


RefusalReason = Literal[
    "daily_limit", "weekly_limit", "run_cap", "outside_working_hours", "monthly_limit", "warming_up"
]


@dataclass(frozen=True, slots=True)
class Reservation:
    """One unit held for one action until it is committed or released (or expires)."""

    token: str
    action: Action
    reserved_at: datetime
    expires_at: datetime
    run_id: int | None = None
    backend: str = "sqlite"


@dataclass(frozen=True, slots=True)
class QuotaRefused:
    """No unit: why, and the earliest time asking again can succeed (None: not by waiting)."""

    action: Action
    reason: RefusalReason
    retry_at: datetime | None
    used: int = 0
    limit: int = 0

    def describe(self) -> str:
        when = f"; retry after {self.retry_at.isoformat()}" if self.retry_at else ""
        counts = "" if self.reason == "outside_working_hours" else f" ({self.used}/{self.limit})"
        return f"{self.action.value}: {self.reason.replace('_', ' ')}{counts}{when}"


@dataclass(frozen=True, slots=True)
class ActionUsage:
    """Units spent (committed plus live reservations) against each window of one action.

    A limit of None means the window does not apply to this action (searches only have a month).
    """

    action: Action
    day_used: int
    day_limit: int | None
    week_used: int
    week_limit: int | None
    month_used: int | None = None
    month_limit: int | None = None


@dataclass(frozen=True, slots=True)
class QuotaSnapshot:
    at: datetime
    backend: str
    usage: tuple[ActionUsage, ...]
    warmup_day: int | None = None

    def get(self, action: Action) -> ActionUsage:
        for item in self.usage:
            if item.action == action:
                return item
        raise KeyError(action)

    def gauges(self) -> dict[str, dict[str, int]]:
        """The shape of `events.QuotaChanged.gauges`: windows that apply, as plain numbers."""
        out: dict[str, dict[str, int]] = {}
        for item in self.usage:
            gauge: dict[str, int] = {}
            if item.day_limit is not None:
                gauge |= {"day_used": item.day_used, "day_limit": item.day_limit}
            if item.week_limit is not None:
                gauge |= {"week_used": item.week_used, "week_limit": item.week_limit}
            if item.month_limit is not None and item.month_used is not None:
                gauge |= {"month_used": item.month_used, "month_limit": item.month_limit}
            out[item.action.value] = gauge
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "backend": self.backend,
            "warmup_day": self.warmup_day,
            "actions": self.gauges(),
        }


class QuotaError(LinkPilotError):
    """A reservation was used in a way the contract forbids (committing a released unit)."""


class QuotaLedger(Protocol):
    @property
    def backend(self) -> str:
        """Which store answers right now: "sqlite", "redis" or "sqlite-fallback"."""
        ...

    async def reserve(
        self, action: Action, *, run_id: int | None = None, run_limit: int | None = None
    ) -> Reservation | QuotaRefused:
        """Take one unit, or say why not. `run_limit` caps the units held by `run_id`."""
        ...

    async def commit(self, reservation: Reservation) -> None:
        """The action happened: the unit stays spent (even if the reservation had expired)."""
        ...

    async def release(self, reservation: Reservation) -> None:
        """The action did not happen: give the unit back. Releasing twice is harmless."""
        ...

    async def snapshot(self) -> QuotaSnapshot: ...

    async def close(self) -> None: ...
