"""Interactions as a state machine: planned -> sending -> sent | failed | unknown.

Every move is checked against models.TRANSITIONS and written before the browser acts, so a
crash at any step leaves a row that says exactly how far things went.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from linkpilot.common.clock import utc_now
from linkpilot.common.errors import StorageError
from linkpilot.storage.models import (
    TRANSITIONS,
    Contact,
    Interaction,
    InteractionKind,
    InteractionState,
)


class IllegalTransition(StorageError):
    pass


async def claim_birthday(
    session: AsyncSession,
    *,
    contact_id: int,
    occurrence: date,
    text: str,
    template_id: str | None,
    days_late: int,
    run_id: int | None,
) -> Interaction | None:
    """The planned row for this wish, or None when this occurrence is already taken.

    A `failed` row is the only one that may be planned again; any other existing row (planned by
    another run, sending, sent, unknown) blocks: the partial unique index guarantees there is at
    most one row per (contact, occurrence) whatever races happen.
    """
    existing = (
        await session.execute(
            select(Interaction)
            .where(
                Interaction.kind == InteractionKind.BIRTHDAY.value,
                Interaction.contact_id == contact_id,
                Interaction.occurrence == occurrence,
            )
            .with_for_update()
        )
    ).scalar_one_or_none()
    if existing is not None:
        if existing.state != InteractionState.FAILED:
            return None
        _check(existing.state, InteractionState.PLANNED)
        existing.state = InteractionState.PLANNED.value
        existing.text, existing.template_id, existing.days_late = text, template_id, days_late
        existing.campaign_run_id, existing.error = run_id, None
        await session.flush()
        return existing
    row = Interaction(
        kind=InteractionKind.BIRTHDAY.value,
        state=InteractionState.PLANNED.value,
        contact_id=contact_id,
        occurrence=occurrence,
        text=text,
        template_id=template_id,
        days_late=days_late,
        campaign_run_id=run_id,
    )
    session.add(row)
    await session.flush()
    return row


def _check(current: str, new: InteractionState) -> None:
    if new not in TRANSITIONS[InteractionState(current)]:
        raise IllegalTransition(f"interaction cannot move from {current} to {new.value}")


async def move(
    session: AsyncSession,
    interaction_id: int,
    new: InteractionState,
    *,
    error: str | None = None,
    text: str | None = None,
    at: datetime | None = None,
) -> Interaction:
    row = await session.get(Interaction, interaction_id, with_for_update=True)
    if row is None:
        raise StorageError(f"interaction {interaction_id} does not exist")
    _check(row.state, new)
    row.state = new.value
    if error is not None:
        row.error = error
    if text is not None:
        row.text = text
    if new is InteractionState.SENT:
        row.sent_at = at or utc_now()
    await session.flush()
    return row


async def record_action(
    session: AsyncSession,
    *,
    kind: InteractionKind,
    contact_id: int | None,
    state: InteractionState,
    run_id: int | None,
    error: str | None = None,
    at: datetime | None = None,
) -> Interaction:
    """A one-step interaction (a visit, a withdrawal) written once its outcome is known."""
    moment = at or utc_now()
    row = Interaction(
        kind=kind.value,
        state=state.value,
        contact_id=contact_id,
        campaign_run_id=run_id,
        error=error,
        sent_at=moment if state is InteractionState.SENT else None,
    )
    session.add(row)
    await session.flush()
    return row


async def _move_all(
    session: AsyncSession,
    kinds: Sequence[InteractionKind],
    old: InteractionState,
    new: InteractionState,
    why: str,
) -> int:
    _check(old.value, new)
    result = await session.execute(
        update(Interaction)
        .where(Interaction.state == old.value, Interaction.kind.in_([k.value for k in kinds]))
        .values(state=new.value, error=why)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def abandoned_sends_to_unknown(session: AsyncSession, kinds: Sequence[InteractionKind]) -> int:
    """Rows left in `sending` by a process that died: nobody knows whether Send went through."""
    return await _move_all(
        session, kinds, InteractionState.SENDING, InteractionState.UNKNOWN, "the run stopped while sending"
    )


async def abandoned_plans_to_failed(session: AsyncSession, kinds: Sequence[InteractionKind]) -> int:
    """Rows left in `planned` by a run that stopped: nothing was sent, so they may be planned again."""
    return await _move_all(
        session, kinds, InteractionState.PLANNED, InteractionState.FAILED, "the run stopped before sending"
    )


async def unknown_birthdays(session: AsyncSession) -> list[tuple[Interaction, Contact]]:
    return await unknown_of_kind(session, InteractionKind.BIRTHDAY)


async def unknown_of_kind(session: AsyncSession, kind: InteractionKind) -> list[tuple[Interaction, Contact]]:
    """Rows of this kind waiting to be reconciled against the site, oldest first, with their contact."""
    rows = await session.execute(
        select(Interaction, Contact)
        .join(Contact, Contact.id == Interaction.contact_id)
        .where(
            Interaction.kind == kind.value,
            Interaction.state == InteractionState.UNKNOWN.value,
        )
        .order_by(Interaction.id)
    )
    return [(i, c) for i, c in rows]


async def wish_history(session: AsyncSession, contact_id: int) -> list[tuple[str, datetime]]:
    """(template id, sent at) of this person's past wishes, for the no-repeat rule."""
    rows = await session.execute(
        select(Interaction.template_id, Interaction.sent_at).where(
            Interaction.contact_id == contact_id,
            Interaction.kind == InteractionKind.BIRTHDAY.value,
            Interaction.state == InteractionState.SENT.value,
            Interaction.template_id.is_not(None),
            Interaction.sent_at.is_not(None),
        )
    )
    return [(str(t), s) for t, s in rows if t is not None and s is not None]
