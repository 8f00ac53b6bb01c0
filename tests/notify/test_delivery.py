"""Delivery: retried with back-off, given up in the end, never in the way of the engine, and
never a token in the log."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from linkpilot.common.errors import ConfigError
from linkpilot.engine.events import EventBus
from linkpilot.engine.notify import create_notifier
from linkpilot.engine.notify.channels import parse_channels, scrub
from linkpilot.engine.runtime import Runtime, open_runtime
from linkpilot.storage.models import NotifyDelivery
from linkpilot.storage.notifications import Outgoing, queue_message
from tests.notify.receivers import JsonReceiver, SilentReceiver, closed_port_url
from tests.notify.test_causes import inbox, notify_settings, running, settled, store_session

TOKEN = "owner-token-1234"


async def deliveries(rt: Runtime) -> list[NotifyDelivery]:
    async with rt.db.session() as session:
        return list((await session.execute(select(NotifyDelivery).order_by(NotifyDelivery.id))).scalars())


async def test_a_failing_receiver_is_retried_with_back_off_until_it_takes_the_message(
    tmp_path: Path, hook: JsonReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    # Debug level: requests' and urllib3's own lines would carry the webhook's path.
    caplog.set_level(logging.DEBUG)
    hook.fail_next = 2
    settings = notify_settings(tmp_path / "home", [hook.url(f"hooks/{TOKEN}")], retry_initial_s=0.3)
    store_session(settings, timedelta(days=300))
    async with running(settings) as (rt, notifier):
        started = time.monotonic()
        await notifier.send(Outgoing("digest", "LinkPilot: hello", "body"))
        [got] = await inbox(hook, 1)
        took = time.monotonic() - started
        await settled(notifier)
        [row] = await deliveries(rt)
    assert got.title == "LinkPilot: hello"
    assert hook.paths == [f"/hooks/{TOKEN}"] * 3
    assert row.attempts == 3
    assert row.delivered_at is not None
    assert row.last_error is None
    # Two waits: 0.3 s, then 0.6 s (doubled).
    assert took >= 0.9
    failures = [r.getMessage() for r in caplog.records if "failed (attempt" in r.getMessage()]
    assert len(failures) == 2
    assert "failed (attempt 1 of 10)" in failures[0]
    assert "failed (attempt 2 of 10)" in failures[1]
    assert all("#1 json://127.0.0.1:" in line and "next try at" in line for line in failures)
    assert TOKEN not in caplog.text


async def test_a_dead_receiver_is_given_up_after_max_attempts(tmp_path: Path, hook: JsonReceiver) -> None:
    dead = closed_port_url()
    settings = notify_settings(tmp_path / "home", [dead, hook.url()], retry_initial_s=0.1, max_attempts=3)
    store_session(settings, timedelta(days=300))
    async with running(settings) as (rt, notifier):
        await notifier.send(Outgoing("digest", "LinkPilot: hello", "body"))
        await inbox(hook, 1)
        for _ in range(200):
            rows = await deliveries(rt)
            if all(r.delivered_at is not None or r.gave_up for r in rows):
                break
            await asyncio.sleep(0.05)
        status = await notifier.deliverer.status()
    by_label = {r.label.split()[0]: r for r in rows}
    assert by_label["#1"].gave_up is True
    assert by_label["#1"].attempts == 3
    assert "Connection error" in (by_label["#1"].last_error or "")
    assert by_label["#2"].delivered_at is not None
    # What the System screen shows.
    assert status[0].label.startswith("#1 json://127.0.0.1:")
    assert status[0].delivered is False
    assert status[0].pending == 0
    assert status[1].delivered is True
    assert status[1].describe() == "delivered: LinkPilot: hello"


async def test_dead_receivers_never_hold_up_the_engine_or_its_exit(
    tmp_path: Path, silent: SilentReceiver
) -> None:
    settings = notify_settings(tmp_path / "home", [silent.url(), closed_port_url()])
    store_session(settings, timedelta(days=300))
    async with open_runtime(settings, bus=EventBus()) as rt:
        notifier = create_notifier(
            settings, rt.db, rt.bus, clock=rt.clock, breaker=rt.breaker, ledger=rt.ledger
        )
        assert notifier is not None
        await notifier.start()
        started = time.monotonic()
        for _ in range(3):
            await rt.breaker.record_failure("trouble")
        # The engine goes on at once: the breaker's own writes and reads, quota, more events.
        for _ in range(20):
            await rt.breaker.state()
            await rt.ledger.snapshot()
        engine_time = time.monotonic() - started
        # Wait until the message is on its way to the silent receiver (a connection is held).
        for _ in range(200):
            if silent.held:
                break
            await asyncio.sleep(0.05)
        assert silent.held, "the silent receiver was never reached"
        closing = time.monotonic()
        await notifier.close(wait_s=1.0)
        close_time = time.monotonic() - closing
    assert engine_time < 2.0
    # The exit waits its budget at most, though one receiver never answers.
    assert close_time < 2.5


def test_a_url_apprise_cannot_use_is_a_bad_setting_never_echoed() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_channels(["json://127.0.0.1:9/x", f"nosuchservice://{TOKEN}@host/path"])
    assert str(caught.value).startswith("notify.urls: URL #2 (nosuchservice://…) is not one Apprise can use")
    assert TOKEN not in str(caught.value)


def test_labels_and_failure_reasons_hide_every_secret_part() -> None:
    targets = parse_channels(
        [
            f"json://user:pass-{TOKEN}@127.0.0.1:8080/hooks/{TOKEN}",
            "tgram://123456789:ABCdefGHIjklMNOpqrSTUvwxYZ/12345",
            f"mailtos://me:{TOKEN}@smtp.example.com?to=owner@example.test",
            "ntfy://ntfy.sh/secret-topic-name",
        ]
    )
    labels = [t.label for t in targets]
    assert labels[0] == "#1 json://user:****@127.0.0.1:8080/…"
    assert labels[1].startswith("#2 tgram://")
    assert "ABCdef" not in labels[1]
    assert labels[2] == "#3 mailtos://me:****@smtp.example.com/…"
    assert labels[3] == "#4 ntfy://ntfy.sh/…"
    url = targets[0].url
    assert scrub(f"POST to http://127.0.0.1:8080/hooks/{TOKEN} as user pass-{TOKEN} failed", url) == (
        # Every part of the URL's user info and path is masked, the plain words with them.
        "POST to http://127.0.0.1:8080/****/**** as **** **** failed"
    )


async def test_messages_older_than_90_days_are_forgotten_at_start(tmp_path: Path, hook: JsonReceiver) -> None:
    settings = notify_settings(tmp_path / "home", [hook.url()])
    store_session(settings, timedelta(days=300))
    channels = [t.stored for t in parse_channels(settings.notify.urls)]
    async with open_runtime(settings) as rt:
        now = rt.clock()
        await queue_message(
            rt.db, Outgoing("digest", "LinkPilot: stale", "x"), channels, now - timedelta(days=91)
        )
        await queue_message(
            rt.db, Outgoing("digest", "LinkPilot: recent", "x"), channels, now - timedelta(days=89)
        )
    async with running(settings) as (rt, notifier):
        await inbox(hook, 1)
        await settled(notifier)
        kept = await deliveries(rt)
    assert hook.titles() == ["LinkPilot: recent"]
    assert len(kept) == 1
