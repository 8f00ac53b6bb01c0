"""Redis dies mid-run, comes back empty: the ledger never grants more than the limit."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from linkpilot.common.clock import FrozenClock
from linkpilot.engine.quota.contract import RESERVATION_TTL, Action, QuotaRefused, Reservation
from linkpilot.engine.quota.fallback import FallbackLedger
from linkpilot.engine.quota.redis_ledger import RedisLedger
from linkpilot.engine.quota.sqlite_ledger import SqliteLedger, settle
from linkpilot.engine.quota.windows import QuotaPolicy, windows_at
from linkpilot.engine.shared_redis import redis_client
from linkpilot.storage.database import Database
from tests.conftest import RedisServer, free_port
from tests.engine.quota.conftest import open_db, settings_with

POLICY = QuotaPolicy.from_settings(
    settings_with(limits={"messages": {"per_run": 100, "per_day": 10, "per_week": 50}})
)


async def grab(ledger, n: int) -> list[Reservation]:  # type: ignore[no-untyped-def]
    got = []
    for _ in range(n):
        result = await ledger.reserve(Action.MESSAGE)
        assert isinstance(result, Reservation), result
        got.append(result)
    return got


async def test_redis_killed_mid_run_then_back_empty(
    redis_server: RedisServer, redis_url: str, db: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    prefix = f"t:{uuid.uuid4().hex}"
    shared = RedisLedger(redis_client(redis_url), db, POLICY, clock, prefix)
    ledger = FallbackLedger(shared, SqliteLedger(db, POLICY, clock), clock, probe_every=timedelta(seconds=30))
    for r in await grab(ledger, 4):
        await ledger.commit(r)
    to_commit, to_release = await grab(ledger, 2)
    assert ledger.backend == "redis"

    redis_server.stop()
    # Storage already knows the six Redis grants: four more, not ten.
    extra = await grab(ledger, 4)
    assert ledger.backend == "sqlite-fallback"
    assert {r.backend for r in extra} == {"sqlite"}
    assert (await ledger.reserve(Action.MESSAGE)).reason == "daily_limit"  # type: ignore[union-attr]
    await ledger.commit(to_commit)
    await ledger.release(to_release)  # settled in storage only, Redis is away
    [last] = await grab(ledger, 1)
    await ledger.commit(last)
    for r in extra:
        await ledger.commit(r)
    assert (await ledger.reserve(Action.MESSAGE)).reason == "daily_limit"  # type: ignore[union-attr]
    snap = await ledger.snapshot()
    assert (snap.backend, snap.get(Action.MESSAGE).day_used) == ("sqlite-fallback", 10)

    redis_server.restart()  # no persistence: Redis comes back empty
    clock.advance(seconds=10)
    assert (await ledger.snapshot()).backend == "sqlite-fallback"  # not probed again yet
    clock.advance(seconds=21)
    snap = await ledger.snapshot()
    assert (snap.backend, snap.get(Action.MESSAGE).day_used) == ("redis", 10)
    # Another box on its own data folder sees the reconciled count in Redis itself.
    other_db = await open_db(tmp_path / "other-box.db")
    try:
        other = RedisLedger(redis_client(redis_url), other_db, POLICY, clock, prefix)
        refused = await other.reserve(Action.MESSAGE)
        assert isinstance(refused, QuotaRefused)
        assert (refused.reason, refused.used) == ("daily_limit", 10)
        await other.close()
    finally:
        await other_db.dispose()
    await ledger.close()


async def test_redis_unreachable_from_the_start(db: Database, clock: FrozenClock) -> None:
    shared = RedisLedger(redis_client(f"redis://127.0.0.1:{free_port()}/0"), db, POLICY, clock)
    ledger = FallbackLedger(shared, SqliteLedger(db, POLICY, clock), clock)
    held = await grab(ledger, 10)
    assert isinstance(await ledger.reserve(Action.MESSAGE), QuotaRefused)
    await ledger.release(held[0])
    await ledger.commit(held[1])
    assert isinstance(await ledger.reserve(Action.MESSAGE), Reservation)
    assert ledger.backend == "sqlite-fallback"
    await ledger.close()


async def test_reconcile_applies_what_storage_settled_while_redis_was_away(
    redis_url: str, db: Database, clock: FrozenClock
) -> None:
    shared = RedisLedger(redis_client(redis_url), db, POLICY, clock, f"t:{uuid.uuid4().hex}")
    released, committed, _abandoned = await grab(shared, 3)
    await settle(db, released, "released")  # as the fallback does when Redis cannot be told
    await settle(db, committed, "committed")
    assert await shared.reconcile() == 3
    windows = windows_at(clock(), POLICY.zone)
    assert (await shared.counts(Action.MESSAGE, clock(), windows)).day == 2
    clock.advance(seconds=RESERVATION_TTL.total_seconds())
    # The abandoned one stays spent in Redis too, however long it is left.
    assert (await shared.counts(Action.MESSAGE, clock(), windows)).day == 2
    await shared.close()


async def test_redis_dies_between_reserve_and_settle(
    redis_server: RedisServer, redis_url: str, db: Database, clock: FrozenClock
) -> None:
    shared = RedisLedger(redis_client(redis_url), db, POLICY, clock, f"t:{uuid.uuid4().hex}")
    ledger = FallbackLedger(shared, SqliteLedger(db, POLICY, clock), clock, probe_every=timedelta(seconds=30))
    done, dropped = await grab(ledger, 2)
    redis_server.stop()
    await ledger.commit(done)  # storage is settled before Redis is asked
    assert ledger.backend == "sqlite-fallback"
    clock.advance(seconds=31)  # due for a probe, but Redis is still down
    await ledger.release(dropped)
    assert ledger.backend == "sqlite-fallback"
    snap = await ledger.snapshot()
    assert snap.get(Action.MESSAGE).day_used == 1
    redis_server.restart()
    clock.advance(seconds=31)
    again = await grab(ledger, 9)
    assert {r.backend for r in again} == {"redis"}
    assert isinstance(await ledger.reserve(Action.MESSAGE), QuotaRefused)
    await ledger.close()


async def test_release_fails_over_when_redis_dies(
    redis_server: RedisServer, redis_url: str, db: Database, clock: FrozenClock
) -> None:
    shared = RedisLedger(redis_client(redis_url), db, POLICY, clock, f"t:{uuid.uuid4().hex}")
    ledger = FallbackLedger(shared, SqliteLedger(db, POLICY, clock), clock)
    held = await grab(ledger, 10)
    redis_server.stop()
    await ledger.release(held[0])
    assert ledger.backend == "sqlite-fallback"
    [back] = await grab(ledger, 1)
    assert back.backend == "sqlite"
    await ledger.close()


async def test_redis_restarted_empty_is_reconciled_before_it_grants(
    redis_server: RedisServer, redis_url: str, db: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    prefix = f"t:{uuid.uuid4().hex}"
    before = RedisLedger(redis_client(redis_url), db, POLICY, clock, prefix)
    for r in await grab(before, 6):
        await before.commit(r)
    await before.close()
    redis_server.restart()  # no persistence: every key is gone
    # A new process on the same folder: its first grant puts the folder's units back first.
    box_a = RedisLedger(redis_client(redis_url), db, POLICY, clock, prefix)
    other_db = await open_db(tmp_path / "box-b.db")
    try:
        [first] = await grab(box_a, 1)
        assert first.backend == "redis"
        box_b = RedisLedger(redis_client(redis_url), other_db, POLICY, clock, prefix)
        assert (await box_b.snapshot()).get(Action.MESSAGE).day_used == 7
        await grab(box_b, 3)
        refused = await box_b.reserve(Action.MESSAGE)
        assert isinstance(refused, QuotaRefused)
        assert (refused.reason, refused.used) == ("daily_limit", 10)
        await box_b.close()
    finally:
        await other_db.dispose()
    await box_a.close()
