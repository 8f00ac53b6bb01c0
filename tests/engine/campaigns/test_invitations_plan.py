"""Invitations without the browser: which to withdraw, and what a withdrawal stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from linkpilot.common.clock import FrozenClock
from linkpilot.common.settings import load_settings
from linkpilot.engine.actions.outcomes import SentInvitation, WithdrawOutcome, WithdrawStatus
from linkpilot.engine.campaigns.invitations import (
    InvitationsCampaign,
    invitation_age,
    record_withdrawal,
    select_stale,
)
from linkpilot.engine.campaigns.summary import PlanItem, Skip
from linkpilot.engine.runtime import Runtime, open_runtime
from linkpilot.storage.contacts import get_contact_by_url, upsert_contact
from linkpilot.storage.models import Interaction
from linkpilot.storage.runs import start_run

TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


def sent(slug: str, text: str, on: str | None = None) -> SentInvitation:
    return SentInvitation(slug.title(), slug, text, on)


def test_exact_date_wins_over_the_rounded_text() -> None:
    # "3 months" reads as 90 days; the datetime says 119.
    assert invitation_age(sent("a", "Sent 3 months ago", "2026-07-30"), TODAY) == 119
    assert invitation_age(sent("a", "Envoyée il y a 3 mois"), TODAY) == 90
    assert invitation_age(sent("a", "Sent 3 months ago", "not a date"), TODAY) == 90
    assert invitation_age(sent("a", "Pending"), TODAY) is None


def test_select_stale_keeps_old_enough_oldest_first_and_says_why_not() -> None:
    invitations = (
        sent("recent", "Sent 2 months ago"),
        sent("old", "Sent 3 months ago"),
        sent("older", "Sent 1 year ago"),
        sent("exact", "Sent 2 months ago", "2026-08-01"),  # 117 days: the text undersells it
        sent("mystery", "Sent a while back"),
        sent("old", "Sent 3 months ago"),
    )
    stale, skips = select_stale(invitations, TODAY, older_than_days=90)
    assert [(a.invitation.slug, a.days) for a in stale] == [("older", 365), ("exact", 117), ("old", 90)]
    assert skips == [Skip("recent", "Recent", "too_recent"), Skip("mystery", "Mystery", "age_unreadable")]


def test_threshold_is_inclusive_and_never_early() -> None:
    just = (sent("d89", "", "2026-08-29"), sent("d90", "", "2026-08-28"))
    stale, skips = select_stale(just, TODAY, older_than_days=90)
    assert [a.invitation.slug for a in stale] == ["d90"]
    assert [s.slug for s in skips] == ["d89"]


@pytest.fixture
async def rt(tmp_path: Path) -> AsyncIterator[Runtime]:
    settings = load_settings(
        {},
        home=tmp_path / "home",
        linkedin_url="http://127.0.0.1:9",
        invitations={"max_per_run": 40},
        limits={"invitation_withdrawals": {"per_run": 7, "per_day": 10, "per_week": 20}},
    )
    async with open_runtime(settings, clock=FrozenClock(NOW)) as runtime:
        yield runtime


async def test_run_limit_is_the_smaller_cap(rt: Runtime) -> None:
    assert InvitationsCampaign(rt).run_limit(rt) == 7


def url(slug: str) -> str:
    return f"https://www.linkedin.com/in/{slug}/"


async def new_run(rt: Runtime) -> int:
    async with rt.db.transaction() as session:
        return (await start_run(session, "invitations", dry_run=False)).id


async def interactions(rt: Runtime) -> list[tuple[str, str, int | None]]:
    async with rt.db.session() as session:
        rows = (await session.execute(select(Interaction).order_by(Interaction.id))).scalars().all()
        return [(r.kind, r.state, r.contact_id) for r in rows]


async def test_withdrawal_records_and_moves_an_invited_contact_back(rt: Runtime) -> None:
    async with rt.db.transaction() as session:
        visited, _ = await upsert_contact(
            session, url("visited-1"), name="Visited One", status="invited", last_visited_at=NOW
        )
        plain, _ = await upsert_contact(session, url("plain-1"), name="Plain One", status="invited")
    run_id = await new_run(rt)
    for slug in ("visited-1", "plain-1", "new-1"):
        item = PlanItem(slug, slug.title(), "withdraw", "sent 95 days ago")
        await record_withdrawal(
            rt, item, WithdrawOutcome(WithdrawStatus.WITHDRAWN, slug, clicked_confirm=True), run_id
        )
    async with rt.db.session() as session:
        statuses = {
            slug: (c.status, c.source)
            for slug in ("visited-1", "plain-1", "new-1")
            if (c := await get_contact_by_url(session, url(slug))) is not None
        }
    assert statuses == {
        "visited-1": ("visited", "manual"),
        "plain-1": ("new", "manual"),
        "new-1": ("new", "invitations"),
    }
    stored = await interactions(rt)
    assert [(k, s) for k, s, _ in stored] == [("withdrawal", "sent")] * 3
    assert stored[0][2] == visited.id
    assert stored[1][2] == plain.id


async def test_unconfirmed_and_failed_withdrawals_leave_the_contact_invited(rt: Runtime) -> None:
    run_id = await new_run(rt)
    still = WithdrawOutcome(WithdrawStatus.STILL_PRESENT, "a-1", clicked_confirm=True, detail="still listed")
    await record_withdrawal(rt, PlanItem("a-1", "A One", "withdraw", "r"), still, run_id)
    await record_withdrawal(
        rt,
        PlanItem("b-1", "B One", "withdraw", "r"),
        WithdrawOutcome(WithdrawStatus.NO_BUTTON, "b-1"),
        run_id,
    )
    # Gone from the list since planning: nothing happened, nothing is recorded.
    await record_withdrawal(
        rt,
        PlanItem("c-1", "C One", "withdraw", "r"),
        WithdrawOutcome(WithdrawStatus.NOT_FOUND, "c-1"),
        run_id,
    )
    async with rt.db.session() as session:
        a = await get_contact_by_url(session, url("a-1"))
        c = await get_contact_by_url(session, url("c-1"))
    assert a is not None
    assert a.status == "invited"
    assert c is None
    assert [(k, s) for k, s, _ in await interactions(rt)] == [
        ("withdrawal", "unknown"),
        ("withdrawal", "failed"),
    ]
