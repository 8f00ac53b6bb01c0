"""Redis when it answers, storage when it does not, and never more than the limit either way.

Every Redis grant is already in storage (see redis_ledger), so while Redis is down the embedded
ledger counts everything this data folder was granted. Every `probe_every` the fallback asks
Redis again; when it answers, `reconcile()` pushes storage into Redis before Redis grants again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from redis.exceptions import RedisError

from linkpilot.common.clock import Clock, utc_now
from linkpilot.engine.quota.contract import Action, QuotaRefused, QuotaSnapshot, Reservation
from linkpilot.engine.quota.redis_ledger import RedisLedger
from linkpilot.engine.quota.sqlite_ledger import SqliteLedger

log = logging.getLogger(__name__)

PROBE_EVERY = timedelta(seconds=30)


class FallbackLedger:
    def __init__(
        self,
        primary: RedisLedger,
        fallback: SqliteLedger,
        clock: Clock = utc_now,
        probe_every: timedelta = PROBE_EVERY,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.clock = clock
        self.probe_every = probe_every
        self.degraded_since: datetime | None = None
        self._next_probe: datetime | None = None
        self._reconciled = False

    @property
    def backend(self) -> str:
        return "sqlite-fallback" if self.degraded_since else self.primary.backend

    def _degrade(self, exc: RedisError) -> None:
        now = self.clock()
        if self.degraded_since is None:
            # The URL may hold a password: name the error, not the connection.
            log.warning("quota ledger: Redis unavailable (%s); counting from storage", type(exc).__name__)
            self.degraded_since = now
        self._next_probe = now + self.probe_every

    async def _healthy(self) -> bool:
        """Whether to use Redis now: probes it when due, reconciling before trusting it again.

        The first use in a process reconciles too: a Redis restarted from its own persistence
        (AOF, RDB) still holds its `synced` mark but misses every unit granted while it was
        down, which only storage knows; without this it under-counted until the next outage.
        """
        if self.degraded_since is None and self._reconciled:
            return True
        if self._next_probe is not None and self.clock() < self._next_probe:
            return False
        try:
            await self.primary.ping()
            pushed = await self.primary.reconcile()
        except RedisError as exc:
            self._degrade(exc)
            return False
        if self.degraded_since is not None:
            log.info("quota ledger: Redis is back; reconciled %d stored units", pushed)
        self.degraded_since = None
        self._next_probe = None
        self._reconciled = True
        return True

    async def reserve(
        self, action: Action, *, run_id: int | None = None, run_limit: int | None = None
    ) -> Reservation | QuotaRefused:
        if await self._healthy():
            try:
                return await self.primary.reserve(action, run_id=run_id, run_limit=run_limit)
            except RedisError as exc:
                self._degrade(exc)
        return await self.fallback.reserve(action, run_id=run_id, run_limit=run_limit)

    async def commit(self, reservation: Reservation) -> None:
        if await self._healthy():
            try:
                return await self.primary.commit(reservation)
            except RedisError as exc:
                # Storage was settled before Redis was asked; reconcile fixes Redis later.
                self._degrade(exc)
                return None
        return await self.fallback.commit(reservation)

    async def release(self, reservation: Reservation) -> None:
        if await self._healthy():
            try:
                return await self.primary.release(reservation)
            except RedisError as exc:
                self._degrade(exc)
                return None
        return await self.fallback.release(reservation)

    async def snapshot(self) -> QuotaSnapshot:
        if await self._healthy():
            try:
                return await self.primary.snapshot()
            except RedisError as exc:
                self._degrade(exc)
        snap = await self.fallback.snapshot()
        return QuotaSnapshot(snap.at, self.backend, snap.usage, snap.warmup_day)

    async def close(self) -> None:
        await self.primary.close()
