"""One Chromium per worker for the whole mutation suite, one clock, a migrated database to copy.

Each case starts its own practice site (in-process, on the worker's one loopback port, so
the engine's origin guard lets the shared browser in) and its own data folder. The site, the
browser (which notes the site's time as it answers) and each run's engine share one frozen
clock: 2026-11-26 10:00 in Paris.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from linkpilot.common.clock import FrozenClock
from linkpilot.common.settings import load_settings
from linkpilot.engine.browser import BrowserSession
from linkpilot.storage.migrate import upgrade
from tests.conftest import free_port
from tests.engine.conftest import sandbox_cookie
from tests.practice_site import SAFE_INSTANT

CLOCK = FrozenClock(SAFE_INSTANT)


@pytest.fixture(scope="session")
def mutation_port() -> int:
    return free_port()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def mutation_browser(
    tmp_path_factory: pytest.TempPathFactory, mutation_port: int
) -> AsyncIterator[BrowserSession]:
    home = tmp_path_factory.mktemp("mutation-browser")
    settings = load_settings({}, home=home, linkedin_url=f"http://127.0.0.1:{mutation_port}", pacing="fast")
    browser = BrowserSession(settings, cookies=[sandbox_cookie()], clock=CLOCK)
    await browser.start()
    yield browser
    await browser.close()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the newest schema: copied, not migrated, for each case."""
    path = tmp_path_factory.mktemp("schema") / "linkpilot.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


def fresh_home(tmp_path: Path, migrated: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    shutil.copy(migrated, home / "linkpilot.db")
    return home
