"""The console on the real engine service, headless Chromium and the practice site in this
process, all on the site's frozen clock: for the tests that follow a real run or plan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet
from textual.pilot import Pilot

from linkpilot.common.settings import Settings
from linkpilot.console.app import ConsoleApp
from linkpilot.engine.events import CampaignFinished
from linkpilot.engine.runtime import open_runtime
from linkpilot.engine.service import EngineService
from linkpilot.engine.session.store import SessionStore, StoredSession
from linkpilot.sandbox import RunningSandbox
from linkpilot.storage.contact_book import ContactBook
from tests.engine.conftest import engine_settings, sandbox_cookie
from tests.practice_site import ALWAYS_OPEN, ZONE

RUN_S = 120.0  # a whole run on real Chromium on a loaded machine, with room


def signed_in(tmp_path: Path, site: RunningSandbox) -> Settings:
    """Settings on the site, in its zone, working hours open, with a session it accepts."""
    settings = engine_settings(
        tmp_path / "home",
        site.url,
        secret_key=Fernet.generate_key().decode(),
        timezone=ZONE,
        working_hours=ALWAYS_OPEN,
    )
    SessionStore(settings).save(
        StoredSession(
            cookies=(sandbox_cookie(site.state.current_token),),
            source="li_at",
            imported_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
    )
    return settings


@asynccontextmanager
async def console(
    settings: Settings, site: RunningSandbox, size: tuple[int, int]
) -> AsyncIterator[tuple[ConsoleApp, Pilot[None], EngineService, list[CampaignFinished]]]:
    """The console on the real engine service, on the site's clock; and each run's end, as told."""
    clock = site.state.config.clock
    async with open_runtime(settings, clock=clock) as rt:
        service = EngineService(rt, scheduled=False)
        finished: list[CampaignFinished] = []
        service.bus.subscribe(lambda e: finished.append(e) if isinstance(e, CampaignFinished) else None)
        await service.refresh()
        app = ConsoleApp(
            service, ContactBook(rt.db, owns_db=False), settings=settings, clock=clock, zone=settings.zone
        )
        async with app.run_test(size=size) as pilot:
            yield app, pilot, service, finished
            await app.workers.wait_for_complete()
        await service.close()
