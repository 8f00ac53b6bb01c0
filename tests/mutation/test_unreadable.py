"""A page the engine cannot read stops the run loudly: page_unreadable, a clean copy, nothing sent."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from linkpilot.common.settings import load_settings
from linkpilot.engine.browser import BrowserSession
from linkpilot.engine.campaigns.birthday import BirthdayCampaign
from linkpilot.engine.campaigns.runner import run_campaign
from linkpilot.engine.campaigns.summary import StopReason
from linkpilot.engine.diagnostics import saved
from linkpilot.engine.runtime import open_runtime
from linkpilot.engine.selectors import SelectorEngine
from linkpilot.engine.selectors.health import check_selectors
from linkpilot.storage.models import Interaction
from tests.engine.conftest import sandbox_cookie
from tests.mutation.conftest import CLOCK, fresh_home
from tests.mutation.drifted import DRAFT, MESSAGE, TOKEN, start_drifted
from tests.practice_site import ZONE

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]

SESSION = "AQEDAR-drifted-session-cookie-3f9a7c21"


async def test_an_unreadable_birthday_page_stops_the_run_with_a_clean_copy_and_sends_nothing(
    mutation_browser: BrowserSession, mutation_port: int, migrated_database: Path, tmp_path: Path
) -> None:
    site = await start_drifted(mutation_port, CLOCK)
    try:
        await mutation_browser.use_cookies([sandbox_cookie(SESSION)])
        home = fresh_home(tmp_path, migrated_database)
        settings = load_settings({}, home=home, linkedin_url=site.url, pacing="fast", timezone=ZONE)
        async with open_runtime(settings, clock=CLOCK) as rt:
            rt.shared_browser = mutation_browser
            summary = await run_campaign(rt, BirthdayCampaign(rt), dry_run=False)
            async with rt.db.session() as session:
                interactions = (await session.execute(select(func.count()).select_from(Interaction))).scalar()
            breaker = await rt.breaker.state()
    finally:
        await site.stop()

    # Stopped, loudly, before anyone was acted on; never "nothing to do".
    assert summary.stop is StopReason.PAGE_UNREADABLE
    assert int(summary.exit_code) == 4
    report = summary.to_json()
    assert report["stopped"]["reason"] == "page_unreadable"
    assert report["counts"]["planned"] == 0
    assert report["plan"] == []
    unreadable = report["unreadable"]
    assert unreadable["page"] == "birthday"
    assert unreadable["path"] == "/mynetwork/catch-up/birthday/"
    assert unreadable["missing"] == {"birthday.card.status": 3}
    assert (unreadable["items"], unreadable["unread"]) == (3, 3)
    assert "birthday.card.status on 3" in (summary.stop_detail or "")
    assert unreadable["diagnostic"] in (summary.stop_detail or "")
    # Nothing sent, nothing recorded, and the breaker counted it as trouble.
    assert site.posts == []
    assert interactions == 0
    assert breaker.failures == 1
    assert "page_unreadable" in (breaker.reason or "")

    # The diagnostic copy: HTML, screenshot and note, private to the owner...
    (copy,) = saved(home)
    assert str(copy.html) == unreadable["diagnostic"]
    assert copy.html.parent == home / "diagnostics"
    assert copy.screenshot is not None
    assert copy.screenshot.read_bytes().startswith(b"\x89PNG")
    for path in (copy.html, copy.screenshot, copy.note):
        assert path.stat().st_mode & 0o777 == 0o600
    assert (home / "diagnostics").stat().st_mode & 0o777 == 0o700
    note = json.loads(copy.note.read_text())
    assert note["missing"] == {"birthday.card.status": 3}
    assert [item["slug"] for item in note["unread"]] == ["ana-lima-1", "bruno-costa-2", "carla-reis-3"]
    # ...that still shows the page (the cards and what they lack) ...
    text = copy.html.read_text()
    assert "Bruno Costa" in text
    assert 'href="/in/carla-reis-3/"' in text
    # ...without the session cookie, tokens, query strings or message texts.
    everything = text + copy.note.read_text()
    for secret in (SESSION, TOKEN, MESSAGE, DRAFT, "csrfToken=", "trk="):
        assert secret not in everything, secret
    assert "<script" not in text


async def test_selectors_check_reports_the_unread_items_and_keeps_a_copy(
    mutation_browser: BrowserSession, mutation_port: int, tmp_path: Path
) -> None:
    site = await start_drifted(mutation_port, CLOCK)
    try:
        await mutation_browser.use_cookies([sandbox_cookie(SESSION)])
        page = await mutation_browser.goto("/feed/")
        report = await check_selectors(
            page, SelectorEngine(), site.url, timeout_ms=1000, home=tmp_path, clock=CLOCK
        )
    finally:
        await site.stop()
    assert not report.ok
    reading = report.readings["birthday"]
    assert (reading.items, reading.unread, reading.missing) == (0, 3, {"birthday.card.status": 3})
    copy = report.diagnostics["birthday"]
    assert copy.startswith(str(tmp_path / "diagnostics"))
    assert [str(d.html) for d in saved(tmp_path)].count(copy) == 1
    assert SESSION not in await asyncio.to_thread(Path(copy).read_text)
    assert site.posts == []
