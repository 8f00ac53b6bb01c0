"""`linkpilot breaker status|reset` and `linkpilot quota status` on a real data folder."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from linkpilot.cli.common import with_database
from linkpilot.common.settings import load_settings
from linkpilot.engine.breaker import create_breaker
from linkpilot.engine.quota import Action, Reservation
from linkpilot.engine.quota.factory import create_ledger
from linkpilot.storage.database import Database
from tests.conftest import free_port

T = TypeVar("T")


def on_home(work: Callable[[Database], Awaitable[T]]) -> T:
    return asyncio.run(with_database(load_settings(), work))


async def trip(db: Database) -> None:
    breaker = create_breaker(load_settings(), db)
    await breaker.trip_hard("checkpoint")
    await breaker.close()


async def fail_three_times(db: Database) -> None:
    breaker = create_breaker(load_settings(), db)
    for _ in range(3):
        await breaker.record_failure("selector missing")
    await breaker.close()


async def spend_messages(db: Database) -> None:
    ledger = create_ledger(load_settings(), db)
    for _ in range(2):
        held = await ledger.reserve(Action.MESSAGE)
        assert isinstance(held, Reservation)
        await ledger.commit(held)
    await ledger.close()


def test_breaker_status_and_reset_after_a_hard_trip(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("breaker", "status").out.strip() == "breaker: closed, campaigns may act"
    on_home(trip)
    status = cli("breaker", "status")
    assert status.code == 0
    assert "breaker: open (hard) since " in status.out
    assert "checkpoint" in status.out
    assert "linkpilot breaker reset" in status.out
    data = json.loads(cli("breaker", "status", "--json").out)
    assert (data["state"], data["hard"], data["reason"], data["retry_at"]) == (
        "open",
        True,
        "checkpoint",
        None,
    )
    refused = cli("breaker", "reset")  # stdin is not a terminal under pytest
    assert refused.code == 2
    assert refused.err.strip() == (
        "linkpilot: error: breaker reset: not attached to a terminal; pass --yes to confirm"
    )
    assert json.loads(cli("breaker", "status", "--json").out)["hard"] is True
    done = cli("breaker", "reset", "--yes")
    assert done.code == 0
    assert done.out.strip() == "breaker reset: closed (was open, hard: checkpoint)"
    assert json.loads(cli("breaker", "status", "--json").out)["state"] == "closed"


def test_breaker_status_shows_the_soft_wait(cli) -> None:  # type: ignore[no-untyped-def]
    on_home(fail_three_times)
    out = cli("breaker", "status").out
    assert "breaker: open since " in out
    assert "selector missing; next try after " in out
    assert "(trip 1)" in out


def test_quota_status_table_and_json(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    # Working hours all day long, so the test does not depend on when it runs.
    monkeypatch.setenv("LINKPILOT_WORKING_HOURS__START", "00:00:00")
    monkeypatch.setenv("LINKPILOT_WORKING_HOURS__END", "23:59:59.999999")
    on_home(spend_messages)
    result = cli("quota", "status")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["action", "today", "7", "days", "month"]
    assert lines[1].split() == ["message", "2/15", "2/100", "-"]
    assert lines[4].split() == ["search", "-", "-", "0/300"]
    assert lines[-1] == "ledger: sqlite"
    data = json.loads(cli("quota", "status", "--json").out)
    assert data["backend"] == "sqlite"
    assert data["actions"]["message"] == {"day_used": 2, "day_limit": 15, "week_used": 2, "week_limit": 100}


def test_quota_status_through_redis_and_when_redis_is_down(  # type: ignore[no-untyped-def]
    cli, monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> None:
    monkeypatch.setenv("LINKPILOT_WORKING_HOURS__START", "00:00:00")
    monkeypatch.setenv("LINKPILOT_WORKING_HOURS__END", "23:59:59.999999")
    monkeypatch.setenv("LINKPILOT_REDIS_URL", redis_url)
    on_home(spend_messages)
    data = json.loads(cli("quota", "status", "--json").out)
    assert (data["backend"], data["actions"]["message"]["day_used"]) == ("redis", 2)
    monkeypatch.setenv("LINKPILOT_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    down = json.loads(cli("quota", "status", "--json").out)
    assert (down["backend"], down["actions"]["message"]["day_used"]) == ("sqlite-fallback", 2)
    monkeypatch.setenv("LINKPILOT_LIMITS__WARMUP_DAYS", "10")
    assert cli("quota", "status").out.splitlines()[-1] == "ledger: sqlite-fallback; warming up, day 1"
