"""Forgetting a person: their data and texts go, the quota history and the blacklist stay."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select, text

from linkpilot.common.errors import BadInput
from linkpilot.storage.blacklist import add_entry, is_blacklisted
from linkpilot.storage.contacts import forget_contact, get_contact_by_url, upsert_contact
from linkpilot.storage.database import Database
from linkpilot.storage.models import CampaignRun, Interaction, QuotaEvent

AT = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
ELOISE = "https://www.linkedin.com/in/eloise-durand/"


async def seed(db: Database) -> tuple[int, int]:
    async with db.transaction() as session:
        eloise, _ = await upsert_contact(
            session, ELOISE, name="Éloïse Durand", headline="Data", notes="met in Lyon"
        )
        bob, _ = await upsert_contact(session, "linkedin.com/in/bob-smith", name="Bob Smith")
        run = CampaignRun(
            campaign="birthday",
            plan=[
                {"contact_id": eloise.id, "name": "Éloïse Durand", "reason": "due", "kind": "birthday"},
                {"contact_id": bob.id, "name": "Bob Smith", "reason": "due"},
            ],
        )
        other_run = CampaignRun(
            campaign="sourcing",
            plan=[
                {
                    "profile": "https://fr.linkedin.com/in/Eloise-Durand?trk=1",
                    "headline": "Data",
                    "days_late": 2,
                },
                # The engine's own plan items (engine.campaigns.summary.PlanItem), by slug.
                {
                    "slug": "eloise-durand",
                    "name": "E. Durand",
                    "action": "message",
                    "reason": "birthday",
                    "text": "Joyeux anniversaire !",
                    "template_id": "fr-1",
                    "occurrence": "2026-03-14",
                    "days_late": None,
                },
                "not a mapping",
                {"profile": "https://www.linkedin.com/company/acme/", "name": "Acme"},
            ],
            stop_reason="identity_mismatch: thread shows ÉLOÏSE DURAND, expected eloise-durand",
        )
        untouched_run = CampaignRun(
            campaign="invitations", plan=[{"name": "Bob Smith", "reason": "stale"}], stop_reason="completed"
        )
        session.add_all([run, other_run, untouched_run])
        await session.flush()
        session.add_all(
            [
                Interaction(
                    contact_id=eloise.id,
                    kind="birthday",
                    state="sent",
                    text="Joyeux anniversaire Éloïse !",
                    occurrence=date(2026, 3, 14),
                    days_late=0,
                    campaign_run_id=run.id,
                    sent_at=AT,
                    created_at=AT,
                    external_key="v1:birthday:eloise-durand:2025",
                ),
                Interaction(
                    contact_id=eloise.id,
                    kind="message",
                    state="failed",
                    text="Hello Éloïse",
                    error="dialog for Éloïse Durand did not open",
                    created_at=AT,
                ),
                Interaction(
                    contact_id=bob.id, kind="birthday", state="sent", text="Happy birthday Bob!", sent_at=AT
                ),
            ]
        )
        session.add_all(
            [
                QuotaEvent(action="message", state="committed", at=AT, token="t1", run_id=run.id),
                QuotaEvent(action="message", state="reserved", at=AT, token="t2", expires_at=AT),
                QuotaEvent(action="visit", state="released", at=AT, token="t3"),
            ]
        )
        await add_entry(session, ELOISE, reason="asked to be left alone")
        return eloise.id, bob.id


async def table(db: Database, name: str) -> list[tuple[Any, ...]]:
    async with db.session() as session:
        return [tuple(row) for row in await session.execute(text(f"SELECT * FROM {name} ORDER BY 1"))]


async def test_forget_erases_the_person_and_keeps_the_history(db: Database) -> None:
    eloise_id, bob_id = await seed(db)
    quota_before = await table(db, "quota_events")
    blacklist_before = await table(db, "blacklist")

    async with db.transaction() as session:
        report = await forget_contact(session, "linkedin.com/in/ELOISE-DURAND/?utm=1")

    assert report.contact_id == eloise_id
    assert report.interactions_scrubbed == 2
    assert report.campaign_runs_scrubbed == 2
    assert report.still_blacklisted
    # Quota history and the blacklist are exactly as they were.
    assert await table(db, "quota_events") == quota_before
    assert await table(db, "blacklist") == blacklist_before
    async with db.session() as session:
        assert await get_contact_by_url(session, ELOISE) is None
        assert await is_blacklisted(session, ELOISE, None)
        wishes = list((await session.execute(select(Interaction).order_by(Interaction.id))).scalars())
        runs = list((await session.execute(select(CampaignRun).order_by(CampaignRun.id))).scalars())
    forgotten, failed, bobs = wishes
    # What was done and when survives, to whom and what was said does not.
    assert (forgotten.kind, forgotten.state, forgotten.occurrence, forgotten.sent_at) == (
        "birthday",
        "sent",
        date(2026, 3, 14),
        AT,
    )
    assert (forgotten.days_late, forgotten.campaign_run_id, forgotten.created_at) == (0, runs[0].id, AT)
    assert (forgotten.contact_id, forgotten.text, forgotten.error) == (None, None, None)
    assert forgotten.external_key is not None
    assert forgotten.external_key.startswith("forgotten:")
    assert "eloise" not in forgotten.external_key
    assert (failed.kind, failed.state, failed.contact_id, failed.text, failed.error) == (
        "message",
        "failed",
        None,
        None,
        None,
    )
    # Someone else's rows are not touched.
    assert (bobs.contact_id, bobs.text) == (bob_id, "Happy birthday Bob!")
    assert runs[0].plan == [
        {"reason": "due", "kind": "birthday", "forgotten": True},
        {"contact_id": bob_id, "name": "Bob Smith", "reason": "due"},
    ]
    assert runs[1].plan == [
        {"days_late": 2, "forgotten": True},
        {
            "action": "message",
            "reason": "birthday",
            "template_id": "fr-1",
            "occurrence": "2026-03-14",
            "days_late": None,
            "forgotten": True,
        },
        "not a mapping",
        {"profile": "https://www.linkedin.com/company/acme/", "name": "Acme"},
    ]
    assert runs[1].stop_reason == "identity_mismatch: thread shows (forgotten), expected (forgotten)"
    assert (runs[2].plan, runs[2].stop_reason) == ([{"name": "Bob Smith", "reason": "stale"}], "completed")
    # Nothing personal left anywhere in the database file.
    for name in ("contacts", "interactions", "campaign_runs"):
        dump = repr(await table(db, name)).lower()
        for trace in ("eloise", "éloïse", "lyon"):
            assert trace not in dump, name


async def test_forget_without_blacklist_entry_reports_it(db: Database) -> None:
    async with db.transaction() as session:
        await upsert_contact(session, "linkedin.com/in/bob-smith", name="Bob Smith")
    async with db.transaction() as session:
        report = await forget_contact(session, "linkedin.com/in/bob-smith")
    assert (report.interactions_scrubbed, report.campaign_runs_scrubbed, report.still_blacklisted) == (
        0,
        0,
        False,
    )
    assert await table(db, "contacts") == []


async def test_forget_an_unknown_person_changes_nothing(db: Database) -> None:
    await seed(db)
    before = {
        name: await table(db, name) for name in ("contacts", "interactions", "quota_events", "blacklist")
    }
    async with db.transaction() as session:
        with pytest.raises(
            BadInput, match=r"no contact with profile URL https://www\.linkedin\.com/in/nobody/"
        ):
            await forget_contact(session, "linkedin.com/in/nobody")
        with pytest.raises(BadInput, match="not a profile URL"):
            await forget_contact(session, "Éloïse Durand")
    after = {name: await table(db, name) for name in before}
    assert after == before
