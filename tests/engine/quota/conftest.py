"""One ledger factory, parametrised over both ledger backends (embedded, Redis) and both storage
backends (SQLite, PostgreSQL), so every contract test runs four times."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from redis.asyncio import Redis

from linkpilot.common.clock import FrozenClock
from linkpilot.common.settings import Settings, load_settings
from linkpilot.engine.quota.contract import QuotaLedger
from linkpilot.engine.quota.redis_ledger import RedisLedger
from linkpilot.engine.quota.sqlite_ledger import SqliteLedger
from linkpilot.engine.quota.windows import QuotaPolicy
from linkpilot.storage.database import Database
from linkpilot.storage.migrate import ensure_schema
from tests.postgres import BACKENDS, backend_database, database_url, postgres_server

__all__ = ["database_url", "postgres_server"]

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def settings_with(**overrides: Any) -> Settings:
    # The contract is written in Paris time; the default zone is the box's own, which differs.
    overrides.setdefault("timezone", "Europe/Paris")
    return load_settings({}, **overrides)


async def open_db(path: Path) -> Database:
    url = f"sqlite+aiosqlite:///{path}"
    ensure_schema(url)
    return Database(url)


@pytest.fixture
def clock() -> FrozenClock:
    # A Tuesday, mid-morning in Paris: inside the default working hours.
    return FrozenClock(paris(2026, 3, 10, 10, 0))


@pytest.fixture(params=BACKENDS)
async def db(request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    """The ledger's database: a SQLite file, then a fresh database on the session's PostgreSQL
    server, so each ledger test runs on both storage backends."""
    with backend_database(request, request.param, migrated=True) as url:
        database = Database(url)
        yield database
        await database.dispose()


MakeLedger = Callable[..., Awaitable[QuotaLedger]]


@pytest.fixture(params=["sqlite", "redis"])
async def make_ledger(
    request: pytest.FixtureRequest, db: Database, clock: FrozenClock
) -> AsyncIterator[MakeLedger]:
    """`await make_ledger(limits=..., working_hours=...)`: a ledger of the parametrised backend."""
    made: list[QuotaLedger] = []
    prefix = f"t:{uuid.uuid4().hex}"
    url = request.getfixturevalue("redis_url") if request.param == "redis" else None

    async def make(**overrides: Any) -> QuotaLedger:
        policy = QuotaPolicy.from_settings(settings_with(**overrides))
        ledger: QuotaLedger
        if url is None:
            ledger = SqliteLedger(db, policy, clock)
        else:
            ledger = RedisLedger(Redis.from_url(url), db, policy, clock, prefix=prefix)
        made.append(ledger)
        return ledger

    yield make
    for ledger in made:
        await ledger.close()
