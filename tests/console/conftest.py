"""Console fixtures: a seeded real SQLite database, the fake engine edge, an app factory, and
the practice site in this process for the tests that drive the real engine."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio

from linkpilot.common.clock import FrozenClock
from linkpilot.console.app import ConsoleApp
from linkpilot.sandbox import RunningSandbox
from linkpilot.storage.contact_book import ContactBook
from linkpilot.storage.database import Database
from tests.console.fakes import NOW, FakeFacade
from tests.console.seed import seed_file
from tests.practice_site import SAFE_INSTANT, start_site

AppFactory = Callable[..., ConsoleApp]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return seed_file(tmp_path / "console.db")


@pytest.fixture
def facade() -> FakeFacade:
    return FakeFacade()


@pytest.fixture
def make_app(db_url: str, facade: FakeFacade) -> AppFactory:
    def make(**options: Any) -> ConsoleApp:
        options.setdefault("page_size", 20)
        options.setdefault("search_debounce", 0.05)
        return ConsoleApp(
            options.pop("facade", facade),
            ContactBook(Database(db_url)),
            clock=options.pop("clock", FrozenClock(NOW)),
            zone=ZoneInfo("Europe/Paris"),
            **options,
        )

    return make


@pytest.fixture
def site_clock() -> Callable[[], datetime]:
    """The clock the site and the product share; a module may override it (the real clock)."""
    return FrozenClock(SAFE_INSTANT)


@pytest_asyncio.fixture(loop_scope="session")
async def site(site_clock: Callable[[], datetime]) -> AsyncIterator[RunningSandbox]:
    running = await start_site(clock=site_clock)
    try:
        yield running
    finally:
        await running.stop()
