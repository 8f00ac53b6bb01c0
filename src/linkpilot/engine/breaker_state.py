"""What the circuit breaker holds, free of storage and Redis (see engine/breaker.py for how it
moves): `linkpilot breaker status` reads it without either."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

# The breaker of the one account LinkPilot acts for (its row in breaker_state).
DEFAULT_NAME = "linkedin"


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True, slots=True)
class BreakerSnapshot:
    """What the breaker holds. `since` is when it opened (None while closed)."""

    state: BreakerState = BreakerState.CLOSED
    reason: str | None = None
    since: datetime | None = None
    retry_at: datetime | None = None
    hard: bool = False
    failures: int = 0
    trips: int = 0
    updated_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["state"] = self.state.value
        for key in ("since", "retry_at", "updated_at"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BreakerSnapshot:
        def when(key: str) -> datetime | None:
            return datetime.fromisoformat(data[key]) if data.get(key) else None

        return cls(
            state=BreakerState(data["state"]),
            reason=data.get("reason"),
            since=when("since"),
            retry_at=when("retry_at"),
            hard=bool(data.get("hard")),
            failures=int(data.get("failures", 0)),
            trips=int(data.get("trips", 0)),
            updated_at=when("updated_at"),
        )


def from_row(row: Mapping[Any, Any]) -> BreakerSnapshot:
    """The snapshot a breaker_state row holds."""
    return BreakerSnapshot(
        state=BreakerState(row["state"]),
        reason=row["reason"],
        since=row["opened_at"],
        retry_at=row["retry_at"],
        hard=bool(row["hard"]),
        failures=int(row["failures"]),
        trips=int(row["trips"]),
        updated_at=row["updated_at"],
    )


def to_row(snap: BreakerSnapshot) -> dict[str, Any]:
    """The breaker_state columns that hold `snap` (all but the breaker's name)."""
    return {
        "state": snap.state.value,
        "hard": snap.hard,
        "reason": snap.reason,
        "failures": snap.failures,
        "trips": snap.trips,
        "opened_at": snap.since,
        "retry_at": snap.retry_at,
        "updated_at": snap.updated_at,
    }
