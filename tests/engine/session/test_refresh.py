"""Cookies the site rotates are saved back; `check_session` learns valid or expired."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from linkpilot.engine.page_state import Checkpoint
from linkpilot.engine.session import SessionStore, StoredSession
from linkpilot.engine.session.check import check_session, session_browser
from linkpilot.sandbox import RunningSandbox
from tests.engine.conftest import SANDBOX_LI_AT, engine_settings, sandbox_cookie

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]


def imported_store(home: Path, origin: str) -> SessionStore:
    store = SessionStore(engine_settings(home, origin))
    store.save(StoredSession(cookies=(sandbox_cookie(),), source="li_at", imported_at=datetime.now(UTC)))
    return store


async def test_a_rotated_li_at_is_saved_back_and_used_next_time(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    store = imported_store(tmp_path / "home", sandbox.url)
    before = store.path.read_bytes()
    async with session_browser(store.settings, store) as browser:
        await browser.goto("/feed/")
        assert store.path.read_bytes() == before  # nothing changed, nothing written
        sandbox.state.request_rotation()
        await browser.goto("/feed/")
        rotated = sandbox.state.current_token
        assert rotated != SANDBOX_LI_AT
        saved = store.load()
        assert saved.li_at is not None
        assert saved.li_at.value == rotated
        assert saved.refreshed_at is not None
        assert store.path.read_bytes() != before
    # The old value stops working; a new browser from the store is still logged in.
    sandbox.state.accepted_tokens.discard(SANDBOX_LI_AT)
    async with session_browser(store.settings, store) as browser:
        page = await browser.goto("/feed/")
        assert page.url == f"{sandbox.url}/feed/"


async def test_check_session_valid_then_expired(sandbox: RunningSandbox, tmp_path: Path) -> None:
    store = imported_store(tmp_path / "home", sandbox.url)
    assert store.load().status().state == "unknown"
    status = await check_session(store.settings, store)
    assert status.state == "valid"
    assert status.checked_at is not None
    sandbox.state.expire()
    status = await check_session(store.settings)
    assert status.state == "expired"
    assert store.load().check_result == "expired"


async def test_check_session_lets_a_checkpoint_through(sandbox: RunningSandbox, tmp_path: Path) -> None:
    store = imported_store(tmp_path / "home", sandbox.url)
    sandbox.state.faults.update({"checkpoint_after_actions": 0})
    with pytest.raises(Checkpoint):
        await check_session(store.settings, store)
    assert store.load().checked_at is None
