"""Every cause, delivered for real through Apprise to a JSON webhook and an SMTP server on
loopback: one message while it lasts (no storm, not even across a restart), one when resolved."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from linkpilot.common.clock import Clock, FrozenClock, utc_now
from linkpilot.common.settings import Settings, load_settings
from linkpilot.engine.campaigns.summary import RunSummary, StopReason
from linkpilot.engine.events import CampaignFinished, EventBus, RunCounts, SessionChanged
from linkpilot.engine.notify import Notifier, create_notifier
from linkpilot.engine.runtime import Runtime, open_runtime
from linkpilot.engine.session.cookies import Cookie
from linkpilot.engine.session.store import SessionStore, StoredSession
from linkpilot.storage.notifications import open_causes, pending_count
from tests.notify.receivers import JsonReceiver, Received, SmtpReceiver


def notify_settings(home: Path, urls: list[str], **notify: Any) -> Settings:
    return load_settings(
        {}, home=home, pacing="fast", notify={"urls": urls, "retry_initial_s": 0.2, **notify}
    )


def store_session(settings: Settings, expires_in: timedelta | None, now: datetime | None = None) -> None:
    now = now or utc_now()
    expires = (now + expires_in).timestamp() if expires_in is not None else None
    cookie = Cookie(
        "li_at",
        "sandbox-li-at",
        ".www.linkedin.com",
        "/",
        expires,
        http_only=True,
        secure=True,
        same_site="None",
    )
    SessionStore(settings).save(StoredSession(cookies=(cookie,), source="test", imported_at=now))


@asynccontextmanager
async def running(settings: Settings, clock: Clock = utc_now) -> AsyncIterator[tuple[Runtime, Notifier]]:
    async with open_runtime(settings, bus=EventBus(), clock=clock) as rt:
        notifier = create_notifier(settings, rt.db, rt.bus, clock=clock, breaker=rt.breaker, ledger=rt.ledger)
        assert notifier is not None
        await notifier.start()
        try:
            yield rt, notifier
        finally:
            await notifier.close(wait_s=10)


async def settled(notifier: Notifier) -> None:
    """Every event recorded and every message delivered: what was going to be sent, was."""
    await asyncio.wait_for(notifier.recorded(), 10)
    for _ in range(400):
        if await pending_count(notifier.db, notifier.deliverer.fingerprints) == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("messages still pending after 20 s")


async def inbox(receiver: JsonReceiver | SmtpReceiver, count: int) -> list[Received]:
    return await asyncio.to_thread(receiver.wait_for, count)


def finished(
    campaign: str, stop: StopReason | str, detail: str | None = None, **extra: Any
) -> CampaignFinished:
    summary = RunSummary(campaign, dry_run=False)
    data = summary.to_json()
    data["stopped"] = {"reason": str(stop), "detail": detail}
    data.update(extra)
    sent = int(data.get("counts", {}).get("sent", 0))
    return CampaignFinished(
        campaign=campaign, run_id=1, counts=RunCounts(sent=sent), stopped=str(stop), summary=data
    )


async def test_breaker_opened_once_until_reset_then_resolved(
    tmp_path: Path, hook: JsonReceiver, mailbox: SmtpReceiver
) -> None:
    settings = notify_settings(tmp_path / "home", [hook.url(), mailbox.url()])
    store_session(settings, timedelta(days=300))
    async with running(settings) as (rt, notifier):
        for _ in range(3):
            await rt.breaker.record_failure("birthday: the Send button did nothing")
        [opened] = await inbox(hook, 1)
        [mailed] = await inbox(mailbox, 1)
        assert opened.title == mailed.title == "LinkPilot: the circuit breaker is open"
        assert opened.kind == "failure"
        for body in (opened.body, mailed.body):
            assert "Why: birthday: the Send button did nothing." in body
            assert "Since: " in body
            assert "Nothing acts until " in body
            assert "Close it with: linkpilot breaker reset" in body
        # The same trouble again, harder: the cause is open, nothing more is said.
        await rt.breaker.trip_hard("restricted")
        await settled(notifier)
    # A restart finds the breaker open and the cause recorded: still nothing.
    async with running(settings) as (rt, notifier):
        await settled(notifier)
        assert hook.titles() == ["LinkPilot: the circuit breaker is open"]
        await rt.breaker.reset()
        resolved = (await inbox(hook, 2))[1]
        assert resolved.title == "Resolved: the circuit breaker is open"
        assert resolved.kind == "success"
        assert "closed" in resolved.body
        assert (await inbox(mailbox, 2))[1].title == resolved.title
        await settled(notifier)
    assert len(hook.titles()) == 2
    assert len(mailbox.titles()) == 2


async def test_a_reset_by_another_process_is_resolved_at_the_next_start(
    tmp_path: Path, hook: JsonReceiver
) -> None:
    settings = notify_settings(tmp_path / "home", [hook.url()])
    store_session(settings, timedelta(days=300))
    async with running(settings) as (rt, _notifier):
        await rt.breaker.trip_hard("restricted")
        await inbox(hook, 1)
    # `linkpilot breaker reset` runs no notifier: the breaker closes behind its back.
    async with open_runtime(settings) as rt:
        await rt.breaker.reset()
    async with running(settings) as (_rt, notifier):
        await settled(notifier)
    assert hook.titles() == [
        "LinkPilot: the circuit breaker is open",
        "Resolved: the circuit breaker is open",
    ]


async def test_a_checkpoint_says_what_the_page_asks_and_which_command_answers_it(
    tmp_path: Path, hook: JsonReceiver, mailbox: SmtpReceiver
) -> None:
    settings = notify_settings(tmp_path / "home", [hook.url(), mailbox.url()])
    store_session(settings, timedelta(days=300))
    page = "a security checkpoint: sign in from your own browser and clear it at /checkpoint/challenge/ (heading)"
    async with running(settings) as (rt, notifier):
        # As the runner does it: the breaker trips hard, then the run ends on the checkpoint.
        snap = await rt.breaker.trip_hard("checkpoint")
        rt.bus.publish(finished("birthday", StopReason.CHECKPOINT, page, breaker=snap.as_dict()))
        [message] = await inbox(hook, 1)
        [mailed] = await inbox(mailbox, 1)
        assert message.title == mailed.title == "LinkPilot: LinkedIn is waiting for a sign-in (checkpoint)"
        assert f"The page asks: {page}." in message.body
        assert "linkpilot login --checkpoint" in message.body
        assert "linkpilot login --checkpoint" in mailed.body
        # The next scheduled run refuses on the open breaker: the owner already knows why.
        rt.bus.publish(finished("birthday", StopReason.CHECKPOINT, page, breaker=snap.as_dict()))
        await settled(notifier)
        assert len(hook.titles()) == 1
        await rt.breaker.reset()
        await inbox(hook, 2)
        await settled(notifier)
    assert hook.titles()[1] == "Resolved: LinkedIn is waiting for a sign-in (checkpoint)"
    assert mailbox.titles() == hook.titles()


async def test_session_missing_then_expiring_then_valid_then_expired(
    tmp_path: Path, hook: JsonReceiver, mailbox: SmtpReceiver
) -> None:
    settings = notify_settings(tmp_path / "home", [hook.url(), mailbox.url()], session_warning_days=7)
    async with running(settings) as (rt, notifier):
        [missing] = await inbox(hook, 1)
        assert missing.title == "LinkPilot: no LinkedIn session"
        assert "linkpilot session import" in missing.body
        store_session(settings, timedelta(days=3, hours=2))
        rt.bus.publish(SessionChanged(status="valid"))
        got = await inbox(hook, 3)
        assert [r.title for r in got[1:]] == [
            "Resolved: no LinkedIn session",
            "LinkPilot: the LinkedIn session expires in 3 days",
        ]
        assert "campaigns stop then" in got[2].body
        # The daily check comes round again: same news, not said twice.
        await notifier.check_session()
        store_session(settings, timedelta(days=200))
        rt.bus.publish(SessionChanged(status="valid"))
        got = await inbox(hook, 4)
        assert got[3].title == "Resolved: the LinkedIn session expires in 3 days"
        assert "valid until" in got[3].body
        store_session(settings, timedelta(days=-1))
        await notifier.check_session()
        got = await inbox(hook, 5)
        assert got[4].title == "LinkPilot: the LinkedIn session has expired"
        await settled(notifier)
    assert len(hook.titles()) == 5
    assert mailbox.titles() == hook.titles()


async def test_scheduled_runs_that_fail_or_are_skipped_then_go_through(
    tmp_path: Path, hook: JsonReceiver, mailbox: SmtpReceiver
) -> None:
    settings = notify_settings(tmp_path / "home", [hook.url(), mailbox.url()])
    store_session(settings, timedelta(days=300))
    async with running(settings) as (rt, notifier):
        rt.bus.publish(finished("birthday", StopReason.BROWSER_FAILED, "Chromium went away twice"))
        rt.bus.publish(finished("birthday", StopReason.BROWSER_FAILED, "Chromium went away twice"))
        rt.bus.publish(finished("sourcing", StopReason.BREAKER_OPEN, "restricted"))
        rt.bus.publish(
            finished("invitations", StopReason.OUTSIDE_WORKING_HOURS, "outside working hours (07:00-19:00)")
        )
        got = await inbox(hook, 3)
        await settled(notifier)
        assert [r.title for r in got] == [
            "LinkPilot: the birthday run failed",
            "LinkPilot: the sourcing run was skipped (breaker open)",
            "LinkPilot: the invitations run was skipped (outside working hours)",
        ]
        assert "Stopped: browser failed — Chromium went away twice." in got[0].body
        assert "linkpilot breaker status" in got[1].body
        assert "working_hours" in got[2].body
        # A cancelled run (the operator's stop) and a partial day are no news.
        rt.bus.publish(finished("birthday", StopReason.CANCELLED, "stopped by the operator"))
        rt.bus.publish(finished("birthday", StopReason.COMPLETED))
        rt.bus.publish(finished("sourcing", StopReason.NOTHING_TO_DO))
        got = await inbox(hook, 5)
        await settled(notifier)
    assert hook.titles()[3:] == [
        "Resolved: the birthday run failed",
        "Resolved: the sourcing run was skipped (breaker open)",
    ]
    assert len(hook.titles()) == 5
    assert mailbox.titles() == hook.titles()


async def test_clock_skew_and_an_unreadable_page(
    tmp_path: Path, hook: JsonReceiver, mailbox: SmtpReceiver
) -> None:
    settings = notify_settings(tmp_path / "home", [hook.url(), mailbox.url()])
    store_session(settings, timedelta(days=300))
    async with running(settings) as (rt, notifier):
        rt.bus.publish(finished("birthday", "clock_skew", "the site's clock is 7 min ahead"))
        rt.bus.publish(finished("birthday", "clock_skew", "the site's clock is 8 min ahead"))
        rt.bus.publish(finished("sourcing", "page_unreadable", "3 of 10 results had no profile link"))
        got = await inbox(hook, 2)
        assert got[0].title == "LinkPilot: the clock is off; nothing acts"
        assert "7 min ahead" in got[0].body
        assert "timedatectl" in got[0].body
        assert got[1].title == "LinkPilot: a page the sourcing run could not read"
        assert "linkpilot selectors check" in got[1].body
        assert "home/diagnostics/" in got[1].body
        rt.bus.publish(finished("sourcing", StopReason.COMPLETED))
        got = await inbox(hook, 4)
        await settled(notifier)
    assert sorted(hook.titles()[2:]) == [
        "Resolved: a page the sourcing run could not read",
        "Resolved: the clock is off; nothing acts",
    ]
    assert len(hook.titles()) == 4
    assert mailbox.titles() == hook.titles()
    async with open_runtime(settings) as rt:
        assert await open_causes(rt.db) == []


async def test_the_daily_digest(tmp_path: Path, hook: JsonReceiver, mailbox: SmtpReceiver) -> None:
    from linkpilot.storage.models import CampaignRun, Contact, Interaction

    # 21:00 in Paris, after the digest's 20:00.
    clock = FrozenClock(datetime(2026, 3, 10, 20, 0, tzinfo=UTC))
    settings = notify_settings(tmp_path / "home", [hook.url(), mailbox.url()], digest=True, digest_at="20:00")
    store_session(settings, timedelta(days=300), clock())
    async with running(settings, clock) as (rt, notifier):
        async with rt.db.transaction() as session:
            ada = Contact(name="Ada Lovelace", degree=1, birthday_month=3, birthday_day=11)
            bob = Contact(name="Bob Tester", degree=1, birthday_month=3, birthday_day=11)
            far = Contact(name="Cy Later", degree=1, birthday_month=3, birthday_day=12)
            session.add_all([ada, bob, far])
            await session.flush()
            session.add(Interaction(contact_id=far.id, kind="birthday", state="sent", sent_at=clock()))
            session.add(
                CampaignRun(
                    campaign="birthday",
                    dry_run=False,
                    status="completed",
                    counts={"skipped": {"blacklisted": 2, "over_run_cap": 1}},
                    started_at=clock() - timedelta(hours=10),
                )
            )
        assert await notifier.digest_due(clock())
        await notifier.send_digest()
        [digest] = await inbox(hook, 1)
        assert not await notifier.digest_due(clock())
        clock.advance(hours=20)  # the next day, 17:00: before the hour
        assert not await notifier.digest_due(clock())
        clock.advance(hours=4)
        assert await notifier.digest_due(clock())
        await settled(notifier)
    assert digest.title == "LinkPilot: the day of 2026-03-10"
    assert digest.kind == "info"
    lines = digest.body.splitlines()
    assert lines[0] == "Sent today: 1 birthday wishes"
    assert lines[1] == "Skipped today: 2 blacklisted, 1 over run cap"
    assert lines[2].startswith("Quota left today: invitation withdrawal 30 of 30, message 15 of 15")
    assert lines[3] == "Tomorrow's birthdays: 2 (Ada Lovelace, Bob Tester)"
    assert [m.title for m in mailbox.items] == [digest.title]


async def test_a_scheduled_run_that_raised_is_a_failed_run(tmp_path: Path, hook: JsonReceiver) -> None:
    settings = notify_settings(tmp_path / "home", [hook.url()])
    store_session(settings, timedelta(days=300))
    async with running(settings) as (_rt, notifier):
        await notifier.run_raised("invitations", RuntimeError("database is locked\nby another process"))
        [told] = await inbox(hook, 1)
        await settled(notifier)
    assert told.title == "LinkPilot: the invitations run failed"
    assert "Stopped: failed — database is locked by another process." in told.body
