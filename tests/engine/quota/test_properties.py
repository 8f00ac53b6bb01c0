"""No interleaving of reserve / commit / release / crash / time passing exceeds a limit.

The model below keeps its own record of every unit the ledger granted and recomputes each
window from scratch with zoneinfo, independently of windows.py. After every step the live units
in each window must fit the limits, the ledger's snapshot must agree with the model, and any
refusal must be justified by the model.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from linkpilot.common.clock import FrozenClock
from linkpilot.engine.quota.contract import Action, QuotaLedger, QuotaRefused, Reservation
from linkpilot.engine.quota.redis_ledger import RedisLedger
from linkpilot.engine.quota.sqlite_ledger import SqliteLedger
from linkpilot.engine.quota.windows import RUN_SPAN, QuotaPolicy
from linkpilot.engine.shared_redis import redis_client
from linkpilot.storage.database import Database
from linkpilot.storage.migrate import ensure_schema
from tests.engine.quota.conftest import settings_with

PARIS = ZoneInfo("Europe/Paris")
LIMITS = {
    Action.MESSAGE: (3, 7),  # per day, per rolling week
    Action.PROFILE_VISIT: (2, 5),
}
RUN_CAP = 2
# How long one campaign run lasts at most, for the model's view of the run cap.
RUN_LIFE = timedelta(days=1)
POLICY = QuotaPolicy.from_settings(
    settings_with(
        limits={
            "messages": {"per_run": 50, "per_day": 3, "per_week": 7},
            "profile_visits": {"per_run": 50, "per_day": 2, "per_week": 5},
        }
    )
)
# Start just before the spring DST change, so some runs cross it.
START = datetime(2026, 3, 27, 9, 0, tzinfo=PARIS)


@dataclass
class Unit:
    action: Action
    run_id: int | None
    at: datetime
    state: str = "reserved"

    def live(self, now: datetime) -> bool:
        # An unreleased reservation stays spent however long its process takes (contract.py).
        return self.state in ("committed", "reserved")


def local_day(at: datetime) -> object:
    return at.astimezone(PARIS).date()


class LedgerMachine(RuleBasedStateMachine):
    redis_url: str | None = None
    held = Bundle("held")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.dir = tempfile.mkdtemp(prefix="ledger-prop-")
        url = f"sqlite+aiosqlite:///{Path(self.dir) / 'ledger.db'}"
        ensure_schema(url)
        self.db = Database(url)
        self.clock = FrozenClock(START)
        prefix = f"p:{uuid.uuid4().hex}"
        # Two ledgers on one store: two processes sharing the data folder (and the Redis).
        self.ledgers: list[QuotaLedger] = [self._ledger(prefix) for _ in range(2)]
        self.units: dict[str, Unit] = {}

    def _ledger(self, prefix: str) -> QuotaLedger:
        if self.redis_url is None:
            return SqliteLedger(self.db, POLICY, self.clock)
        return RedisLedger(redis_client(self.redis_url), self.db, POLICY, self.clock, prefix)

    def run(self, coro):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coro)

    def teardown(self) -> None:
        for ledger in self.ledgers:
            self.run(ledger.close())
        self.run(self.db.dispose())
        self.loop.close()

    # -- the model ---------------------------------------------------------------------------

    def used(
        self, action: Action, *, week: bool = False, run_id: int | None = None, run_span: timedelta = RUN_LIFE
    ) -> int:
        """Units spent today (or this week), or by one run over its last `run_span`.

        Run ids are reused by the machine across days, which real runs never do: a run's units
        are only compared with its cap over a run's life, and a refusal for the cap is justified
        by anything the ledger may still hold for that run (RUN_SPAN).
        """
        now = self.clock()
        today = now.astimezone(PARIS).date()
        first = today - timedelta(days=6 if week else 0)
        return sum(
            1
            for u in self.units.values()
            if u.action == action
            and u.live(now)
            and (run_id is None or u.run_id == run_id)
            # In UTC: wall-clock arithmetic in Paris would be an hour off across a DST change.
            and (run_id is None or u.at.astimezone(UTC) >= now.astimezone(UTC) - run_span)
            and (run_id is not None or first <= local_day(u.at) <= today)
        )

    # -- rules -------------------------------------------------------------------------------

    @rule(
        target=held,
        which=st.integers(0, 1),
        action=st.sampled_from(list(LIMITS)),
        run_id=st.sampled_from([None, 1, 2]),
    )
    def reserve(self, which: int, action: Action, run_id: int | None) -> Reservation | None:
        day_limit, week_limit = LIMITS[action]
        result = self.run(self.ledgers[which].reserve(action, run_id=run_id, run_limit=RUN_CAP))
        if isinstance(result, QuotaRefused):
            full = {
                "daily_limit": self.used(action) >= day_limit,
                "weekly_limit": self.used(action, week=True) >= week_limit,
                "run_cap": run_id is not None
                and self.used(action, run_id=run_id, run_span=RUN_SPAN) >= RUN_CAP,
                "outside_working_hours": not 7 <= self.clock().astimezone(PARIS).hour < 19,
            }
            assert full[result.reason], f"refused for {result.reason} without cause"
            return None
        self.units[result.token] = Unit(action, run_id, self.clock())
        return result

    @rule(reservation=consumes(held))
    def commit(self, reservation: Reservation | None) -> None:
        if reservation is not None:
            self.run(self.ledgers[0].commit(reservation))
            self.units[reservation.token].state = "committed"

    @rule(reservation=consumes(held))
    def release(self, reservation: Reservation | None) -> None:
        if reservation is not None:
            self.run(self.ledgers[1].release(reservation))
            self.units[reservation.token].state = "released"

    @rule(reservation=consumes(held))
    def crash(self, reservation: Reservation | None) -> None:
        """The process holding it died: never committed, never released."""

    @rule(minutes=st.sampled_from([1, 10, 16, 5 * 60, 14 * 60, 24 * 60, 3 * 24 * 60]))
    def time_passes(self, minutes: int) -> None:
        self.clock.at = (self.clock.at.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(PARIS)

    # -- what must always hold ---------------------------------------------------------------

    @invariant()
    def within_limits_and_agreeing(self) -> None:
        snap = self.run(self.ledgers[0].snapshot())
        for action, (day_limit, week_limit) in LIMITS.items():
            day, week = self.used(action), self.used(action, week=True)
            assert day <= day_limit
            assert week <= week_limit
            for run_id in (1, 2):
                assert self.used(action, run_id=run_id) <= RUN_CAP
            usage = snap.get(action)
            assert (usage.day_used, usage.week_used) == (day, week)


# No shrinking: every example opens a real database (and a Redis namespace), so shrinking a
# failure would outlast the test timeout; the failing steps are printed as they were drawn.
SETTINGS = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)


def test_sqlite_ledger_never_exceeds_a_limit() -> None:
    run_state_machine_as_test(LedgerMachine, settings=SETTINGS)


def test_redis_ledger_never_exceeds_a_limit(redis_url: str) -> None:
    class RedisMachine(LedgerMachine):
        pass

    RedisMachine.redis_url = redis_url
    run_state_machine_as_test(RedisMachine, settings=SETTINGS)
