"""Console fixtures: a seeded real SQLite database, the fake engine edge, and an app factory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from linkpilot.common.clock import FrozenClock
from linkpilot.console.app import ConsoleApp
from linkpilot.storage.contact_book import ContactBook
from linkpilot.storage.database import Database
from tests.console.fakes import NOW, FakeFacade
from tests.console.seed import seed_file

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
