"""The circuit breaker: at the first sign of trouble, stop acting on the account.

closed     actions go ahead; `failure_threshold` failures in a row open it.
open       nothing acts until `retry_at`; the wait doubles with every trip (from
           `backoff_initial_s`, capped at `backoff_max_s`).
half_open  after the wait, one probe action is let through: success closes the breaker,
           failure opens it again with the next, longer wait. A probe that never reports back
           (its process died) frees the next probe after PROBE_TIMEOUT.
hard       a checkpoint, captcha, authwall or restriction page opens it with no retry time:
           it stays open, across restarts, until the operator runs `linkpilot breaker reset`.

The state lives in storage (the breaker_state row, storage/breaker_rows.py), so it survives
restarts. With Redis configured it is also kept in Redis and every process or box sharing the
Redis sees the same breaker; if Redis is unreachable storage alone carries on, and a hard trip
recorded there while Redis was away wins over the older state Redis still holds.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from redis.asyncio import Redis
from redis.exceptions import RedisError, WatchError

from linkpilot.common.clock import Clock, utc_now
from linkpilot.common.settings import Breaker as BreakerSettings
from linkpilot.common.settings import Settings
from linkpilot.engine.breaker_state import DEFAULT_NAME as DEFAULT_NAME
from linkpilot.engine.breaker_state import BreakerSnapshot as BreakerSnapshot
from linkpilot.engine.breaker_state import BreakerState as BreakerState
from linkpilot.engine.breaker_state import from_row, to_row
from linkpilot.engine.shared_redis import redis_client
from linkpilot.storage import breaker_rows
from linkpilot.storage.database import Database

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "linkpilot:breaker"
PROBE_TIMEOUT = timedelta(minutes=10)

HardReason = Literal["checkpoint", "captcha", "authwall", "restriction"]


@dataclass(frozen=True, slots=True)
class BreakerDecision:
    """Whether to act now. `probe`: this action is the half-open test of the account."""

    allowed: bool
    state: BreakerState
    reason: str | None = None
    retry_at: datetime | None = None
    hard: bool = False
    probe: bool = False


def backoff(trips: int, cfg: BreakerSettings) -> timedelta:
    seconds = cfg.backoff_initial_s * 2 ** max(0, trips - 1)
    return timedelta(seconds=min(seconds, cfg.backoff_max_s))


# Pure transitions: (current, now) -> next. Kept apart from storage so every path shares them.


def _open(snap: BreakerSnapshot, reason: str, now: datetime, cfg: BreakerSettings) -> BreakerSnapshot:
    trips = snap.trips + 1
    return replace(
        snap,
        state=BreakerState.OPEN,
        reason=reason,
        since=now,
        retry_at=now + backoff(trips, cfg),
        trips=trips,
        failures=0,
    )


def on_failure(snap: BreakerSnapshot, reason: str, now: datetime, cfg: BreakerSettings) -> BreakerSnapshot:
    if snap.state == BreakerState.OPEN:
        return snap  # actions already under way when it opened: the wait is not extended
    if snap.state == BreakerState.HALF_OPEN:
        return _open(snap, reason, now, cfg)
    failures = snap.failures + 1
    if failures >= cfg.failure_threshold:
        return _open(snap, reason, now, cfg)
    return replace(snap, failures=failures, reason=reason)


def on_success(snap: BreakerSnapshot) -> BreakerSnapshot:
    if snap.state == BreakerState.OPEN:
        return snap
    return BreakerSnapshot()


def on_hard(snap: BreakerSnapshot, reason: str, now: datetime) -> BreakerSnapshot:
    return replace(snap, state=BreakerState.OPEN, reason=reason, since=now, retry_at=None, hard=True)


def on_allow(snap: BreakerSnapshot, now: datetime) -> tuple[BreakerSnapshot, BreakerDecision]:
    if snap.state == BreakerState.CLOSED:
        return snap, BreakerDecision(True, snap.state)
    if snap.hard or snap.retry_at is None or now < snap.retry_at:
        return snap, BreakerDecision(False, snap.state, snap.reason, snap.retry_at, snap.hard)
    # The wait is over (or the last probe never reported back): let one probe through.
    probing = replace(snap, state=BreakerState.HALF_OPEN, retry_at=now + PROBE_TIMEOUT)
    return probing, BreakerDecision(True, BreakerState.HALF_OPEN, snap.reason, probing.retry_at, probe=True)


def _newer_hard(stored: BreakerSnapshot, shared: BreakerSnapshot) -> bool:
    """A hard trip written to storage while Redis was away, after Redis's last change."""
    if not stored.hard or shared.hard:
        return False
    return shared.updated_at is None or (
        stored.updated_at is not None and stored.updated_at > shared.updated_at
    )


class CircuitBreaker:
    def __init__(
        self,
        db: Database,
        settings: BreakerSettings,
        clock: Clock = utc_now,
        redis: Redis | None = None,
        name: str = DEFAULT_NAME,
        prefix: str = DEFAULT_PREFIX,
        on_change: Callable[[BreakerSnapshot], None] | None = None,
    ) -> None:
        self.db = db
        self.cfg = settings
        self.clock = clock
        self.redis = redis
        self.name = name
        self.key = f"{prefix}:{name}"
        self.on_change = on_change

    async def state(self) -> BreakerSnapshot:
        stored = await self._read_stored()
        if self.redis is None:
            return stored
        try:
            raw = await self.redis.get(self.key)
        except RedisError as exc:
            self._redis_failed(exc)
            return stored
        shared = BreakerSnapshot.from_dict(json.loads(raw)) if raw else stored
        return stored if _newer_hard(stored, shared) else shared

    async def allow(self) -> BreakerDecision:
        result: list[BreakerDecision] = []

        def step(snap: BreakerSnapshot, now: datetime) -> BreakerSnapshot:
            new, decision = on_allow(snap, now)
            result.append(decision)
            return new

        await self._update(step)
        return result[-1]

    async def record_success(self) -> BreakerSnapshot:
        return await self._update(lambda snap, _now: on_success(snap))

    async def record_failure(self, reason: str) -> BreakerSnapshot:
        return await self._update(lambda snap, now: on_failure(snap, reason, now, self.cfg))

    async def trip_hard(self, reason: HardReason | str) -> BreakerSnapshot:
        return await self._update(lambda snap, now: on_hard(snap, reason, now))

    async def reset(self) -> BreakerSnapshot:
        """The operator's decision: whatever the state, back to closed with a clean history."""
        return await self._update(lambda _snap, _now: BreakerSnapshot())

    # -- persistence -------------------------------------------------------------------------

    async def _update(self, step: Callable[[BreakerSnapshot, datetime], BreakerSnapshot]) -> BreakerSnapshot:
        now = self.clock().astimezone(UTC)
        before: BreakerSnapshot | None = None
        after: BreakerSnapshot | None = None
        if self.redis is not None:
            try:
                before, after = await self._update_shared(self.redis, step, now)
            except RedisError as exc:
                self._redis_failed(exc)
        if after is None:
            before, after = await self._update_stored(step, now)
        else:
            await self._update_stored(lambda _snap, _now: after, now)  # storage mirrors Redis
        if before is not None and _changed(before, after) and self.on_change is not None:
            self.on_change(after)
        return after

    async def _update_shared(
        self, redis: Redis, step: Callable[[BreakerSnapshot, datetime], BreakerSnapshot], now: datetime
    ) -> tuple[BreakerSnapshot, BreakerSnapshot]:
        stored = await self._read_stored()
        async with redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(self.key)
                    raw = await pipe.get(self.key)
                    shared = BreakerSnapshot.from_dict(json.loads(raw)) if raw else stored
                    current = stored if _newer_hard(stored, shared) else shared
                    new = _stamp(current, step(current, now), now)
                    pipe.multi()  # type: ignore[no-untyped-call]
                    if not raw or new != shared:  # includes a newer hard trip from storage
                        pipe.set(self.key, json.dumps(new.as_dict()))
                    await pipe.execute()
                    return current, new
                except WatchError:
                    continue  # another process changed it between our read and write: redo

    async def _update_stored(
        self, step: Callable[[BreakerSnapshot, datetime], BreakerSnapshot], now: datetime
    ) -> tuple[BreakerSnapshot, BreakerSnapshot]:
        async with breaker_rows.locked(self.db) as rows:
            row = await rows.get(self.name)
            current = from_row(row) if row is not None else BreakerSnapshot()
            new = _stamp(current, step(current, now), now)
            if not _changed(current, new):
                return current, new  # allow() while closed must not cost a write
            if row is None:
                await rows.insert(self.name, to_row(new))
            else:
                await rows.update(self.name, to_row(new))
        return current, new

    async def _read_stored(self) -> BreakerSnapshot:
        row = await breaker_rows.read_row(self.db, self.name)
        return from_row(row) if row is not None else BreakerSnapshot()

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()

    def _redis_failed(self, exc: RedisError) -> None:
        log.warning("breaker: Redis unavailable (%s); using storage only", type(exc).__name__)


def _stamp(before: BreakerSnapshot, after: BreakerSnapshot, now: datetime) -> BreakerSnapshot:
    return replace(after, updated_at=now) if _changed(before, after) else after


def _changed(before: BreakerSnapshot, after: BreakerSnapshot) -> bool:
    return replace(before, updated_at=None) != replace(after, updated_at=None)


def create_breaker(
    settings: Settings,
    db: Database,
    clock: Clock = utc_now,
    on_change: Callable[[BreakerSnapshot], None] | None = None,
) -> CircuitBreaker:
    """The breaker the settings ask for: shared through Redis when `redis_url` is set."""
    redis = redis_client(settings.redis_url) if settings.redis_url else None
    return CircuitBreaker(db, settings.breaker, clock, redis=redis, on_change=on_change)
