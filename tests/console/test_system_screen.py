"""The system screen: the clock guard's reading, selector health from storage, the notification
channels, the effective settings with secrets masked."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from linkpilot.common.settings import load_settings
from linkpilot.console.screens.system import SystemScreen
from linkpilot.engine.events import ClockChecked
from linkpilot.engine.notify.status import ChannelStatus, NotifyStatus
from linkpilot.storage.database import Database
from linkpilot.storage.selector_stats import StatRecord, save_stats
from tests.console.conftest import AppFactory
from tests.console.fakes import NOW, FakeFacade, idle_facts
from tests.console.helpers import idle, screen_text, wait_until

SIZE = (120, 40)


async def seed_stats(db_url: str) -> None:
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            await save_stats(
                session,
                [
                    StatRecord(
                        "birthday.card", "[data-test=birthday-card]", False, 41, 0, NOW - timedelta(hours=2)
                    ),
                    StatRecord(
                        "message.textbox",
                        "div[role=textbox]",
                        False,
                        12,
                        3,
                        NOW - timedelta(days=2),
                        NOW - timedelta(hours=1),
                    ),
                ],
            )
    finally:
        await db.dispose()


async def test_selector_health_and_masked_settings(make_app: AppFactory, db_url: str) -> None:
    await seed_stats(db_url)
    key = base64.urlsafe_b64encode(b"s3cret-key-for-the-system-screen").decode()
    settings = load_settings(
        home=Path("/srv/linkpilot"), secret_key=key, redis_url="redis://:hunter2@127.0.0.1:6379/0"
    )
    app = make_app(settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(app.screen, SystemScreen))
        await wait_until(pilot, lambda: "Selector health: 2 candidates, 1 failing now" in screen_text(app))
        text = screen_text(app)
        assert "birthday.card" in text
        assert "message.textbox" in text
        # The whole settings list, including what is scrolled out of view.
        text = str(app.screen.query_one("#settings-text", Static).content)
        assert "home = '/srv/linkpilot'" in text
        assert "secret_key = '********'" in text
        assert key not in text
        assert "hunter2" not in text


async def test_notification_channels_and_their_last_delivery(make_app: AppFactory) -> None:
    ntfy = ChannelStatus("#1 ntfy://ntfy.sh/…", NOW - timedelta(minutes=5), True, "LinkPilot: test message")
    mail = ChannelStatus("#2 mailtos://me:****@smtp.example.com/…")
    facade = FakeFacade([*idle_facts(), NotifyStatus(channels=(ntfy, mail), at=NOW)])
    app = make_app(facade=facade)
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(app.screen, SystemScreen))

        def panel() -> str:
            return str(app.screen.query_one("#notify-text", Static).content)

        await wait_until(pilot, lambda: "#1 ntfy://ntfy.sh/…" in panel())
        assert "delivered: LinkPilot: test message" in panel()
        assert "#2 mailtos://me:****@smtp.example.com/…\n  nothing sent yet" in panel()
        # A failed delivery arrives as the engine's event: the screen follows the state.
        failed = replace(
            mail,
            last_at=NOW,
            delivered=False,
            title="LinkPilot: the circuit breaker is open",
            error="A Connection error occurred",
            pending=1,
        )
        facade.bus.publish(NotifyStatus(channels=(ntfy, failed)))
        await wait_until(pilot, lambda: "FAILED (A Connection error occurred)" in panel())
        assert "LinkPilot: the circuit breaker is open; 1 waiting" in panel()


async def test_the_newest_diagnostic_copy_is_pointed_to(
    make_app: AppFactory, db_url: str, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    folder = home / "diagnostics"
    folder.mkdir(parents=True)
    for stem in ("20261125T100000000000Z-birthday", "20261126T090000000000Z-sent-invitations"):
        for suffix in (".html", ".png", ".json"):
            (folder / f"{stem}{suffix}").write_text("x")
    app = make_app(settings=load_settings(home=home))
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(app.screen, SystemScreen))
        note = app.screen.query_one("#diagnostics-note", Static)
        await wait_until(pilot, lambda: "Unreadable pages: 2 copies" in str(note.content))
        assert f"latest {folder / '20261126T090000000000Z-sent-invitations.html'}" in str(note.content)


async def test_the_clock_guard_s_latest_reading(make_app: AppFactory, facade: FakeFacade) -> None:
    app = make_app(settings=load_settings(clock={"tolerance_minutes": 5}))
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(app.screen, SystemScreen))
        guard = app.screen.query_one("#guard-status", Static)

        def shown() -> Text:
            content = guard.content
            assert isinstance(content, Text)
            return content

        assert (
            shown().plain == "Clock: not compared with LinkedIn's yet; each run does first (tolerance 5 min)"
        )
        facade.bus.publish(ClockChecked(ours=NOW, site=NOW - timedelta(seconds=12), skew_s=12.0, ok=True))
        await wait_until(pilot, lambda: "12 s" in shown().plain)
        assert shown().plain == "Clock: 12 s ahead of LinkedIn's (tolerance 5 min)"
        assert "red" not in str(shown().style)
        facade.bus.publish(ClockChecked(ours=NOW, site=NOW + timedelta(minutes=10), skew_s=-600.0, ok=False))
        await wait_until(pilot, lambda: "10 min" in shown().plain)
        assert shown().plain == "Clock: 10 min behind LinkedIn's (tolerance 5 min): beyond it, nothing acts"
        assert shown().style == "bold red"
        # The line fits an 80-column terminal whole.
        assert "Clock: 10 min behind LinkedIn's (tolerance 5 min): beyond it, nothing acts" in screen_text(
            app
        )
