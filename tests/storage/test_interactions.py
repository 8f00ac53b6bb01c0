from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from linkpilot.storage.contacts import upsert_contact
from linkpilot.storage.database import Database
from linkpilot.storage.interactions import (
    IllegalTransition,
    abandoned_plans_to_failed,
    abandoned_sends_to_unknown,
    claim_birthday,
    move,
    record_action,
    unknown_birthdays,
    wish_history,
)
from linkpilot.storage.models import Interaction, InteractionKind, InteractionState
from linkpilot.storage.runs import finish_run, start_run

OCC = date(2026, 11, 26)


async def _contact(db: Database, slug: str = "ada") -> int:
    async with db.transaction() as session:
        contact, _ = await upsert_contact(
            session, f"https://www.linkedin.com/in/{slug}/", name="Ada Lovelace"
        )
        return contact.id


async def _claim(db: Database, contact_id: int, occurrence: date = OCC) -> int | None:
    async with db.transaction() as session:
        row = await claim_birthday(
            session,
            contact_id=contact_id,
            occurrence=occurrence,
            text="Happy birthday!",
            template_id="t1",
            days_late=0,
            run_id=None,
        )
        return None if row is None else row.id


async def _state(db: Database, interaction_id: int) -> str:
    async with db.session() as session:
        row = await session.get(Interaction, interaction_id)
        assert row is not None
        return row.state


async def test_one_wish_per_person_and_occurrence(db: Database) -> None:
    ada = await _contact(db)
    first = await _claim(db, ada)
    assert first is not None
    assert await _claim(db, ada) is None
    # Another birthday of the same person is another occurrence.
    assert await _claim(db, ada, date(2027, 11, 26)) is not None
    # Even a direct insert cannot create a second wish for the same occurrence.
    with pytest.raises(IntegrityError):
        async with db.session() as session, session.begin():
            session.add(Interaction(kind="birthday", state="failed", contact_id=ada, occurrence=OCC))


async def test_only_a_failed_wish_may_be_planned_again(db: Database) -> None:
    ada = await _contact(db)
    wish = await _claim(db, ada)
    assert wish is not None
    for state in (InteractionState.SENDING, InteractionState.UNKNOWN):
        async with db.transaction() as session:
            await move(session, wish, state)
        assert await _claim(db, ada) is None, state
    async with db.transaction() as session:
        await move(session, wish, InteractionState.FAILED, error="not in the thread")
    again = await _claim(db, ada)
    assert again == wish
    assert await _state(db, wish) == "planned"


async def test_illegal_moves_are_refused_and_sent_is_final(db: Database) -> None:
    ada = await _contact(db)
    wish = await _claim(db, ada)
    assert wish is not None
    with pytest.raises(IllegalTransition, match="from planned to sent"):
        async with db.transaction() as session:
            await move(session, wish, InteractionState.SENT)
    async with db.transaction() as session:
        await move(session, wish, InteractionState.SENDING)
        await move(session, wish, InteractionState.SENT, at=datetime(2026, 11, 26, 9, tzinfo=UTC))
    for state in InteractionState:
        with pytest.raises(IllegalTransition):
            async with db.transaction() as session:
                await move(session, wish, state)
    async with db.session() as session:
        assert await wish_history(session, ada) == [("t1", datetime(2026, 11, 26, 9, tzinfo=UTC))]


async def test_what_a_killed_run_left_is_settled(db: Database) -> None:
    ada, bob = await _contact(db, "ada"), await _contact(db, "bob")
    cut_off = await _claim(db, ada)
    never_started = await _claim(db, bob)
    assert cut_off is not None
    assert never_started is not None
    async with db.transaction() as session:
        await move(session, cut_off, InteractionState.SENDING)
    async with db.transaction() as session:
        assert await abandoned_sends_to_unknown(session, [InteractionKind.BIRTHDAY]) == 1
        assert await abandoned_plans_to_failed(session, [InteractionKind.BIRTHDAY]) == 1
    assert await _state(db, cut_off) == "unknown"
    assert await _state(db, never_started) == "failed"
    async with db.session() as session:
        pending = await unknown_birthdays(session)
    assert [(i.id, c.name) for i, c in pending] == [(cut_off, "Ada Lovelace")]


async def test_one_step_actions_and_runs_are_recorded(db: Database) -> None:
    ada = await _contact(db)
    async with db.transaction() as session:
        run = await start_run(session, "sourcing", dry_run=False)
        await record_action(
            session, kind=InteractionKind.VISIT, contact_id=ada, state=InteractionState.SENT, run_id=run.id
        )
        await record_action(
            session,
            kind=InteractionKind.VISIT,
            contact_id=None,
            state=InteractionState.FAILED,
            run_id=run.id,
            error="wrong person",
        )
        await finish_run(
            session, run.id, status="completed", stop_reason="completed", plan=[], counts={"sent": 1}
        )
    async with db.session() as session:
        sent_at = (
            await session.execute(select(Interaction.sent_at).where(Interaction.state == "sent"))
        ).scalar_one()
        failed = (
            await session.execute(select(func.count()).where(Interaction.error == "wrong person"))
        ).scalar_one()
    assert sent_at is not None
    assert failed == 1


async def test_a_refused_change_is_not_called_a_damaged_file(db: Database) -> None:
    from linkpilot.common.errors import StorageError

    ada = await _contact(db)
    await _claim(db, ada)
    with pytest.raises(
        StorageError,
        match=r"database refused the change: (UNIQUE constraint failed|duplicate key value violates unique)",
    ):
        async with db.transaction() as session:
            session.add(Interaction(kind="birthday", state="failed", contact_id=ada, occurrence=OCC))
