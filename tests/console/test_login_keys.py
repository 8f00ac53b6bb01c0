"""Reaching the sign-in screen, and leaving it, with the fake engine edge (no browser)."""

from __future__ import annotations

from datetime import timedelta

from linkpilot.console.screens.dashboard import DashboardScreen
from linkpilot.console.screens.login import LoginScreen
from linkpilot.engine.events import BreakerChanged
from linkpilot.engine.login.steps import NeedPin
from tests.console.conftest import AppFactory
from tests.console.fakes import NOW, FakeFacade
from tests.console.helpers import idle, screen_text, wait_until


async def test_the_keymap_moves_the_sign_in_key(make_app: AppFactory) -> None:
    app = make_app(keymap={"login.open": "L"})
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await pilot.press("g")
        await idle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert "Sign in with the account's email and password." in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))


async def test_a_checkpoint_opens_the_screen_and_leaving_mid_way_closes_the_sign_in(
    make_app: AppFactory, facade: FakeFacade
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        # Another reason: nothing for a sign-in to answer, the screen stays closed.
        facade.bus.publish(BreakerChanged(state="open", reason="captcha", hard=True, at=NOW))
        await idle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "g: answer the checkpoint" not in screen_text(app)
        facade.bus.publish(BreakerChanged(state="closed", reason=None, hard=False, at=NOW))
        facade.bus.publish(
            BreakerChanged(state="open", reason="checkpoint", hard=True, at=NOW - timedelta(minutes=1))
        )
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        await pilot.click("#resume")
        await wait_until(pilot, lambda: isinstance(app.screen.step, NeedPin))  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await wait_until(pilot, lambda: facade.logins[0].closed)
        assert "g: answer the checkpoint · R: reset after checking the account" in screen_text(app)
        assert app.state.breaker.is_open
        assert not [c for c in facade.calls if c[0] == "close_breaker_after_login"]
