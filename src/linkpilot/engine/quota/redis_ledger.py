"""The shared ledger: one Redis holds the budget of one account for every process and box.

Each grant passes two checks under the storage write lock: this data folder's own count
(storage), then the Lua check-and-increment in Redis (everyone's count). The grant is written
to storage as a QuotaEvent with backend="redis" before the lock is let go, so storage always
holds a superset of what this folder was granted: if Redis disappears, the fallback ledger
counts from storage without losing a unit. `reconcile()` pushes storage back into Redis when
Redis returns (see docs/quotas-and-breaker.md for the rule).
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from typing import cast

from redis.asyncio import Redis

from linkpilot.common.clock import Clock, utc_now
from linkpilot.engine.quota.contract import (
    Action,
    QuotaRefused,
    QuotaSnapshot,
    RefusalReason,
    Reservation,
)
from linkpilot.engine.quota.sqlite_ledger import SqliteLedger, settle, stored_first_use
from linkpilot.engine.quota.windows import (
    RUN_SPAN,
    Counts,
    QuotaPolicy,
    Windows,
    retry_time,
    snapshot_of,
    windows_at,
)
from linkpilot.storage.database import Database
from linkpilot.storage.quota_events import events_since

DEFAULT_PREFIX = "linkpilot:quota"
# A run's own key outlives any run; the events themselves are trimmed by the script.
RUN_KEY_TTL = RUN_SPAN


def _lua(name: str) -> str:
    return resources.files("linkpilot.engine.quota").joinpath("lua", name).read_text("utf-8")


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _from_ms(value: float) -> datetime:
    return datetime.fromtimestamp(value / 1000, UTC)


def _none(limit: int | None) -> int:
    return -1 if limit is None else limit


class RedisLedger:
    backend = "redis"

    def __init__(
        self,
        client: Redis,
        db: Database,
        policy: QuotaPolicy,
        clock: Clock = utc_now,
        prefix: str = DEFAULT_PREFIX,
    ) -> None:
        self.client = client
        self.db = db
        self.policy = policy
        self.clock = clock
        self.prefix = prefix
        self.store = SqliteLedger(db, policy, clock)
        self._reserve_script = client.register_script(_lua("reserve.lua"))
        self._counts_script = client.register_script(_lua("counts.lua"))

    def _keys(self, action: Action) -> tuple[str, str]:
        return f"{self.prefix}:{action.value}:events", f"{self.prefix}:{action.value}:pending"

    def _run_key(self, action: Action, run_id: int | None) -> str:
        return f"{self.prefix}:{action.value}:run:{run_id}"

    @property
    def _first_key(self) -> str:
        return f"{self.prefix}:first_use"

    @property
    def _synced_key(self) -> str:
        return f"{self.prefix}:synced"

    async def ping(self) -> None:
        await self.client.ping()

    async def reserve(
        self, action: Action, *, run_id: int | None = None, run_limit: int | None = None
    ) -> Reservation | QuotaRefused:
        async def lua_gate(
            reservation: Reservation, windows: Windows, stored_first: datetime | None
        ) -> QuotaRefused | None:
            return await self._check_and_increment(reservation, windows, stored_first, run_limit)

        return await self.store.reserve_with(
            action, run_id=run_id, run_limit=run_limit, backend=self.backend, gate=lua_gate
        )

    async def _first_use(self, stored: datetime | None) -> datetime | None:
        raw = await self.client.get(self._first_key)
        shared = _from_ms(float(raw)) if raw is not None else None
        known = [at for at in (shared, stored) if at is not None]
        return min(known) if known else None

    async def _check_and_increment(
        self, reservation: Reservation, windows: Windows, stored_first: datetime | None, run_limit: int | None
    ) -> QuotaRefused | None:
        now = reservation.reserved_at
        action = reservation.action
        first = await self._first_use(stored_first) if self.policy.warmup_days else None
        limits = self.policy.effective(action, now=now, first_use=first, run_limit=run_limit)
        events, pending = self._keys(action)
        has_run = reservation.run_id is not None
        keys = [events, pending, self._run_key(action, reservation.run_id), self._first_key, self._synced_key]
        args: list[str | int] = [
            _ms(now),
            _ms(reservation.expires_at),
            reservation.token,
            _ms(windows.day_start),
            _ms(windows.week_start),
            _ms(windows.month_start),
            _ms(windows.horizon),
            _none(limits.day),
            _none(limits.day_full),
            _none(limits.week),
            _none(limits.month),
            _none(limits.run),
            1 if has_run else 0,
            int(RUN_KEY_TTL.total_seconds() * 1000),
        ]
        result = await self._reserve_script(keys=keys, args=args)
        if int(result[0]) == -1:
            # This Redis lost its data: put back what this folder knows before trusting it.
            await self.reconcile()
            result = await self._reserve_script(keys=keys, args=args)
        if int(result[0]) == 1:
            return None
        reason = cast(RefusalReason, result[1].decode() if isinstance(result[1], bytes) else result[1])
        oldest = _from_ms(float(result[4])) if float(result[4]) >= 0 else None
        at = retry_time(reason, now=now, windows=windows, week_oldest_needed=oldest, policy=self.policy)
        return QuotaRefused(action, reason, at, used=int(result[2]), limit=int(result[3]))

    async def commit(self, reservation: Reservation) -> None:
        # Storage first: it is the record the fallback trusts, and it refuses a released unit.
        await settle(self.db, reservation, "committed")
        events, pending = self._keys(reservation.action)
        async with self.client.pipeline(transaction=True) as pipe:
            # Re-adding is what makes a commit after expiry still count.
            pipe.zadd(events, {reservation.token: _ms(reservation.reserved_at)})
            pipe.zrem(pending, reservation.token)
            await pipe.execute()

    async def release(self, reservation: Reservation) -> None:
        if await settle(self.db, reservation, "released") != "released":
            return  # it was committed: a spent unit is never given back
        events, pending = self._keys(reservation.action)
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.zrem(events, reservation.token)
            pipe.zrem(pending, reservation.token)
            pipe.zrem(self._run_key(reservation.action, reservation.run_id), reservation.token)
            await pipe.execute()

    async def counts(self, action: Action, now: datetime, windows: Windows) -> Counts:
        events, pending = self._keys(action)
        day, week, month = await self._counts_script(
            keys=[events, pending],
            args=[_ms(now), _ms(windows.day_start), _ms(windows.week_start), _ms(windows.month_start)],
        )
        return Counts(day=int(day), week=int(week), month=int(month), run=0)

    async def snapshot(self) -> QuotaSnapshot:
        now = self.clock().astimezone(UTC)
        windows = windows_at(now, self.policy.zone)
        first = await self._first_use(await stored_first_use(self.db))
        counts = {action: await self.counts(action, now, windows) for action in self.policy.actions}
        return snapshot_of(self.policy, now, self.backend, counts, first)

    async def reconcile(self) -> int:
        """Make Redis hold the union of itself and this folder's storage; return events pushed.

        Units Redis knows and storage does not (other data folders' grants) stay. Units storage
        knows are added with their own token and time, so nothing is counted twice; storage's
        settled state wins for the units it knows (committed and abandoned stay, released go).
        """
        now = self.clock().astimezone(UTC)
        windows = windows_at(now, self.policy.zone)
        stored = await events_since(self.db, windows.horizon)
        first_granted = [e.at for e in stored if e.state != "released"]
        async with self.client.pipeline(transaction=True) as pipe:
            for event in stored:
                action = Action(event.action)
                events, pending = self._keys(action)
                run_key = self._run_key(action, event.run_id)
                live = event.state in ("committed", "reserved")
                if not live:
                    pipe.zrem(events, event.token)
                    pipe.zrem(pending, event.token)
                    continue
                pipe.zadd(events, {event.token: _ms(event.at)}, nx=True)
                if event.state == "committed":
                    pipe.zrem(pending, event.token)
                elif event.expires_at is not None:
                    pipe.zadd(pending, {event.token: _ms(event.expires_at)}, nx=True)
                if event.run_id is not None:
                    pipe.zadd(run_key, {event.token: _ms(event.at)}, nx=True)
                    pipe.pexpire(run_key, int(RUN_KEY_TTL.total_seconds() * 1000))
            if first_granted:
                pipe.set(self._first_key, _ms(min(first_granted)), nx=True)
            pipe.set(self._synced_key, _ms(now))
            await pipe.execute()
        return len(stored)

    async def close(self) -> None:
        await self.client.aclose()
