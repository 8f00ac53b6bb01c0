"""The circuit breaker on real storage, alone and shared through a real redis-server."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from redis.asyncio import Redis

from linkpilot.common.clock import FrozenClock
from linkpilot.common.settings import Breaker as BreakerSettings
from linkpilot.engine.breaker import (
    PROBE_TIMEOUT,
    BreakerSnapshot,
    BreakerState,
    CircuitBreaker,
    backoff,
)
from linkpilot.storage.database import Database
from linkpilot.storage.migrate import ensure_schema
from tests.conftest import free_port

CFG = BreakerSettings(failure_threshold=3, backoff_initial_s=300, backoff_max_s=1000)
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

MakeBreaker = Callable[..., CircuitBreaker]


def db_url(path: Path) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    ensure_schema(url)
    return url


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture(params=["storage", "redis"])
async def make_breaker(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FrozenClock
) -> AsyncIterator[MakeBreaker]:
    """`make_breaker(db_file=..., **kw)`: a breaker on that file, through Redis when parametrised."""
    url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    prefix = f"t:{uuid.uuid4().hex}"
    opened: list[Database] = []
    clients: list[Redis] = []

    def make(db_file: str = "a.db", **kw: object) -> CircuitBreaker:
        db = Database(db_url(tmp_path / db_file))
        opened.append(db)
        redis = None
        if url is not None:
            redis = Redis.from_url(url)
            clients.append(redis)
        return CircuitBreaker(db, CFG, clock, redis=redis, prefix=prefix, **kw)  # type: ignore[arg-type]

    yield make
    for client in clients:
        await client.aclose()
    for db in opened:
        await db.dispose()


async def test_failures_open_it_then_half_open_probe_closes_it(
    make_breaker: MakeBreaker, clock: FrozenClock
) -> None:
    changes: list[BreakerSnapshot] = []
    breaker = make_breaker(on_change=changes.append)
    assert (await breaker.allow()).allowed
    await breaker.record_failure("timeout")
    await breaker.record_failure("timeout")
    assert (await breaker.state()).state == BreakerState.CLOSED
    assert (await breaker.state()).failures == 2
    snap = await breaker.record_failure("selector missing")
    assert (snap.state, snap.reason, snap.since, snap.trips) == (BreakerState.OPEN, "selector missing", T0, 1)
    assert snap.retry_at == T0 + timedelta(seconds=300)
    denied = await breaker.allow()
    assert (denied.allowed, denied.retry_at, denied.hard) == (False, T0 + timedelta(seconds=300), False)
    clock.advance(seconds=299)
    assert not (await breaker.allow()).allowed
    clock.advance(seconds=1)
    probe = await breaker.allow()
    assert (probe.allowed, probe.probe, probe.state) == (True, True, BreakerState.HALF_OPEN)
    # Only one probe at a time.
    assert not (await breaker.allow()).allowed
    snap = await breaker.record_success()
    assert (snap.state, snap.failures, snap.trips, snap.retry_at) == (BreakerState.CLOSED, 0, 0, None)
    assert (await breaker.allow()).allowed
    assert [c.state for c in changes] == [
        BreakerState.CLOSED,
        BreakerState.CLOSED,
        BreakerState.OPEN,
        BreakerState.HALF_OPEN,
        BreakerState.CLOSED,
    ]


async def test_backoff_doubles_and_is_capped(make_breaker: MakeBreaker, clock: FrozenClock) -> None:
    breaker = make_breaker()
    for _ in range(3):
        await breaker.record_failure("boom")
    waits = []
    for _ in range(4):
        snap = await breaker.state()
        assert snap.retry_at is not None
        waits.append((snap.retry_at - clock()).total_seconds())
        clock.at = snap.retry_at
        assert (await breaker.allow()).probe
        await breaker.record_failure("still broken")
    assert waits == [300, 600, 1000, 1000]
    assert backoff(1, CFG) == timedelta(seconds=300)
    assert backoff(10, CFG) == timedelta(seconds=1000)


async def test_success_in_between_resets_the_count(make_breaker: MakeBreaker) -> None:
    breaker = make_breaker()
    for _ in range(5):
        await breaker.record_failure("flaky")
        await breaker.record_failure("flaky")
        await breaker.record_success()
    assert (await breaker.state()).state == BreakerState.CLOSED


async def test_open_ignores_late_reports_and_a_lost_probe_frees_the_next(
    make_breaker: MakeBreaker, clock: FrozenClock
) -> None:
    breaker = make_breaker()
    for _ in range(3):
        await breaker.record_failure("boom")
    opened = await breaker.state()
    clock.advance(seconds=10)
    assert await breaker.record_success() == opened  # an action started before it opened
    assert await breaker.record_failure("late") == opened  # the wait is not extended
    clock.at = opened.retry_at  # type: ignore[assignment]
    assert (await breaker.allow()).probe
    clock.advance(seconds=PROBE_TIMEOUT.total_seconds())  # the probe's process died
    assert (await breaker.allow()).probe


async def test_two_processes_get_one_probe_between_them(
    make_breaker: MakeBreaker, clock: FrozenClock
) -> None:
    first, second = make_breaker(), make_breaker()
    for _ in range(3):
        await first.record_failure("boom")
    clock.advance(seconds=300)
    decisions = [await first.allow(), await second.allow()]
    assert [d.probe for d in decisions] == [True, False]
    assert decisions[1].retry_at == clock() + PROBE_TIMEOUT
    await first.record_success()
    assert (await second.allow()).allowed


async def test_hard_trip_stays_open_until_reset(make_breaker: MakeBreaker, clock: FrozenClock) -> None:
    breaker = make_breaker()
    snap = await breaker.trip_hard("checkpoint")
    assert (snap.state, snap.hard, snap.reason, snap.retry_at) == (
        BreakerState.OPEN,
        True,
        "checkpoint",
        None,
    )
    clock.advance(days=30)
    decision = await breaker.allow()
    assert (decision.allowed, decision.hard, decision.reason, decision.retry_at) == (
        False,
        True,
        "checkpoint",
        None,
    )
    await breaker.record_success()
    assert (await breaker.state()).hard
    # A second breaker on the same file (a restart) sees it too.
    again = make_breaker()
    assert (await again.state()).hard
    await again.reset()
    assert (await breaker.allow()).allowed
    assert (await breaker.state()).as_dict() == {
        "state": "closed",
        "reason": None,
        "since": None,
        "retry_at": None,
        "hard": False,
        "failures": 0,
        "trips": 0,
        "updated_at": (T0 + timedelta(days=30)).isoformat(),
    }


HARD_TRIP_IN_A_CHILD = """
import asyncio, sys
from datetime import datetime, UTC
from linkpilot.common.settings import Breaker
from linkpilot.engine.breaker import CircuitBreaker
from linkpilot.storage.database import Database

async def main():
    db = Database(sys.argv[1])
    await CircuitBreaker(db, Breaker()).trip_hard("captcha")
    await db.dispose()

asyncio.run(main())
"""


async def test_hard_trip_survives_the_process_that_made_it(tmp_path: Path, clock: FrozenClock) -> None:
    url = db_url(tmp_path / "shared.db")
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HARD_TRIP_IN_A_CHILD, url, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(child.communicate(), timeout=60)
    assert child.returncode == 0, stderr.decode()
    db = Database(url)
    try:
        breaker = CircuitBreaker(db, CFG, clock)
        decision = await breaker.allow()
        assert (decision.allowed, decision.hard, decision.reason) == (False, True, "captcha")
        await breaker.reset()
        assert (await breaker.allow()).allowed
    finally:
        await db.dispose()


async def test_shared_through_redis_across_data_folders(
    tmp_path: Path, redis_url: str, clock: FrozenClock
) -> None:
    dbs = [Database(db_url(tmp_path / f"{name}.db")) for name in ("box-a", "box-b")]
    clients = [Redis.from_url(redis_url) for _ in dbs]
    try:
        box_a, box_b = (CircuitBreaker(db, CFG, clock, redis=c) for db, c in zip(dbs, clients, strict=True))
        await box_a.trip_hard("restriction")
        seen = await box_b.allow()
        assert (seen.allowed, seen.hard, seen.reason) == (False, True, "restriction")
        await box_b.reset()
        assert (await box_a.allow()).allowed
        # Failures add up across boxes.
        await box_a.record_failure("a")
        await box_b.record_failure("b")
        await box_a.record_failure("c")
        assert (await box_b.state()).state == BreakerState.OPEN
    finally:
        for client in clients:
            await client.aclose()
        for db in dbs:
            await db.dispose()


async def test_hard_trip_while_redis_is_away_wins_over_older_redis_state(
    tmp_path: Path, redis_url: str, clock: FrozenClock
) -> None:
    db = Database(db_url(tmp_path / "box.db"))
    live = Redis.from_url(redis_url)
    dead = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    try:
        online = CircuitBreaker(db, CFG, clock, redis=live)
        await online.record_failure("blip")  # Redis now holds a closed state
        clock.advance(minutes=1)
        offline = CircuitBreaker(db, CFG, clock, redis=dead)
        snap = await offline.trip_hard("authwall")  # storage only
        assert snap.hard
        assert (await offline.state()).hard
        seen = await online.allow()
        assert (seen.allowed, seen.reason) == (False, "authwall")
        # The next change through Redis carries the hard trip into Redis itself.
        await online.record_failure("x")
        other = CircuitBreaker(Database(db_url(tmp_path / "other.db")), CFG, clock, redis=live)
        assert (await other.state()).hard
        await other.db.dispose()
        await online.reset()
        assert (await offline.state()).state == BreakerState.CLOSED
    finally:
        await live.aclose()
        await dead.aclose()
        await db.dispose()
