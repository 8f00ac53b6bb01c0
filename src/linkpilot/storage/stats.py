"""Counts the CLI and the console summarise: how many contacts, by what, and what was done."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from linkpilot.common.clock import local_date
from linkpilot.storage.models import BlacklistEntry, Contact, Interaction, InteractionState


@dataclass(frozen=True)
class ContactSummary:
    contacts: int
    with_birthday: int
    first_degree: int
    open_to_work: int
    blacklisted: int
    by_status: dict[str, int] = field(default_factory=dict)
    interactions_by_kind_state: dict[str, int] = field(default_factory=dict)


async def contact_summary(session: AsyncSession) -> ContactSummary:
    async def count(*where: object) -> int:
        stmt = select(func.count()).select_from(Contact)
        for clause in where:
            stmt = stmt.where(clause)  # type: ignore[arg-type]
        return int((await session.execute(stmt)).scalar_one())

    by_status = {
        str(status): int(n)
        for status, n in await session.execute(select(Contact.status, func.count()).group_by(Contact.status))
    }
    interactions = {
        f"{kind}:{state}": int(n)
        for kind, state, n in await session.execute(
            select(Interaction.kind, Interaction.state, func.count()).group_by(
                Interaction.kind, Interaction.state
            )
        )
    }
    blacklisted = int(
        (
            await session.execute(
                select(func.count()).select_from(BlacklistEntry).where(BlacklistEntry.active)
            )
        ).scalar_one()
    )
    return ContactSummary(
        contacts=await count(),
        with_birthday=await count(Contact.birthday_month.is_not(None)),
        first_degree=await count(Contact.degree == 1),
        open_to_work=await count(Contact.open_to_work),
        blacklisted=blacklisted,
        by_status=by_status,
        interactions_by_kind_state=interactions,
    )


async def sent_per_day(session: AsyncSession, *, today: date, zone: ZoneInfo, days: int) -> tuple[int, ...]:
    """Actions that reached the site per local day, oldest first, the last entry being `today`."""
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, time(0), tzinfo=zone)
    rows = await session.execute(
        select(Interaction.sent_at).where(
            Interaction.state == InteractionState.SENT.value, Interaction.sent_at >= since
        )
    )
    per_day = Counter(local_date(sent_at, zone) for (sent_at,) in rows if sent_at is not None)
    return tuple(per_day.get(first + timedelta(days=n), 0) for n in range(days))


async def sent_between(session: AsyncSession, start: datetime, end: datetime) -> Counter[str]:
    """Actions that reached the site in [start, end), by kind of interaction."""
    rows = await session.execute(
        select(Interaction.kind, func.count())
        .where(
            Interaction.state == InteractionState.SENT.value,
            Interaction.sent_at >= start,
            Interaction.sent_at < end,
        )
        .group_by(Interaction.kind)
    )
    return Counter({str(kind): int(n) for kind, n in rows})
