"""Candidate ordering by recent success, and persistence as SelectorStat rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from linkpilot.common.clock import FrozenClock
from linkpilot.engine.selectors import SelectorScores
from linkpilot.storage.database import Database
from linkpilot.storage.models import SelectorStat


def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 18, 9, 0, tzinfo=UTC))


def test_untried_candidates_keep_the_shipped_order() -> None:
    scores = SelectorScores(clock=clock())
    assert scores.order("k", ["a", "b", "c"]) == ["a", "b", "c"]


def test_recent_success_first_recent_failure_last() -> None:
    time = clock()
    scores = SelectorScores(clock=time)
    scores.failure("k", "a")
    time.advance(seconds=1)
    scores.success("k", "c")
    time.advance(seconds=1)
    scores.success("k", "b")
    assert scores.order("k", ["a", "b", "c", "d"]) == ["b", "c", "d", "a"]
    # A candidate that failed after its last success drops behind the untried ones.
    time.advance(seconds=1)
    scores.failure("k", "b")
    assert scores.order("k", ["a", "b", "c", "d"]) == ["c", "d", "a", "b"]
    # And a fresh success brings it back to the front.
    time.advance(seconds=1)
    scores.success("k", "a")
    assert scores.order("k", ["a", "b", "c", "d"])[0] == "a"


def test_a_learned_candidate_joins_the_pool_and_leads_once_it_succeeded() -> None:
    time = clock()
    scores = SelectorScores(clock=time)
    scores.failure("k", "a")
    assert scores.learn("k", "div._x") is True
    assert scores.learn("k", "div._x") is False
    assert scores.learned("k") == ["div._x"]
    assert scores.learned("other") == []
    assert scores.order("k", ["a", "b"]) == ["div._x", "b", "a"]
    record = scores.record("k", "div._x")
    assert record is not None
    assert record.learned
    assert record.successes == 2


@pytest.mark.asyncio(loop_scope="session")
async def test_scores_persist_and_reload(db: Database) -> None:
    time = clock()
    scores = await SelectorScores.load(db, clock=time)
    scores.success("k", "a")
    scores.failure("k", "b")
    scores.learn("k", "span._q")
    assert await scores.flush() == 3
    assert await scores.flush() == 0  # nothing changed since
    time.advance(minutes=5)
    scores.success("k", "a")
    assert await scores.flush() == 1
    async with db.session() as session:
        rows = {r.candidate: r for r in (await session.execute(select(SelectorStat))).scalars()}
    assert set(rows) == {"a", "b", "span._q"}
    assert (rows["a"].successes, rows["a"].failures) == (2, 0)
    assert rows["a"].last_success_at == datetime(2026, 3, 18, 9, 5, tzinfo=UTC)
    assert (rows["b"].failures, rows["b"].last_failure_at) == (1, datetime(2026, 3, 18, 9, 0, tzinfo=UTC))
    assert rows["span._q"].learned
    assert not rows["a"].learned
    again = await SelectorScores.load(db)
    assert again.learned("k") == ["span._q"]
    assert again.order("k", ["a", "b"]) == ["a", "span._q", "b"]


@pytest.mark.asyncio(loop_scope="session")
async def test_without_a_database_flush_forgets_changes() -> None:
    scores = SelectorScores()
    scores.success("k", "a")
    assert await scores.flush() == 0
    assert scores.record("k", "a") is not None
