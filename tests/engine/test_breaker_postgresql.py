"""Several boxes sharing one PostgreSQL database share one circuit breaker, without Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from linkpilot.common.clock import FrozenClock
from linkpilot.engine.breaker import BreakerState, CircuitBreaker
from linkpilot.storage.database import Database
from tests.engine.test_breaker import CFG, T0
from tests.postgres import PostgresServer, postgres_server

__all__ = ["postgres_server"]

Boxes = Callable[[int], list[CircuitBreaker]]


@pytest.fixture
async def boxes(postgres_server: PostgresServer) -> AsyncIterator[Boxes]:
    """`boxes(n)`: n breakers, each with its own engine (its own "box") on one database."""
    name = postgres_server.create_database(template=postgres_server.migrated_template())
    opened: list[Database] = []
    clock = FrozenClock(T0)

    def make(n: int) -> list[CircuitBreaker]:
        made = []
        for _ in range(n):
            db = Database(postgres_server.url(name))
            opened.append(db)
            made.append(CircuitBreaker(db, CFG, clock))
        return made

    yield make
    for db in opened:
        await db.dispose()
    postgres_server.drop_database(name)


async def test_a_hard_trip_on_one_box_stops_the_others(boxes: Boxes) -> None:
    box_a, box_b = boxes(2)
    await box_a.trip_hard("checkpoint")
    seen = await box_b.allow()
    assert (seen.allowed, seen.hard, seen.reason) == (False, True, "checkpoint")
    await box_b.reset()
    assert (await box_a.allow()).allowed


async def test_failures_from_racing_boxes_all_count(boxes: Boxes) -> None:
    racers = boxes(CFG.failure_threshold)
    # Each failure is a read-modify-write; without the table lock two would read the same count.
    await asyncio.gather(*(box.record_failure(f"box {n}") for n, box in enumerate(racers)))
    state = await racers[0].state()
    assert (state.state, state.trips) == (BreakerState.OPEN, 1)
