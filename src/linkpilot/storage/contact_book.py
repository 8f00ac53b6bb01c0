"""The contacts as the console reads them: one page at a time, never the whole table.

Rows are copied into small frozen values inside the session, so nothing a screen holds can
lazy-load (or hold a connection) after the page was read, and no SQL leaves storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from linkpilot.common.clock import Clock, utc_now
from linkpilot.common.errors import BadInput
from linkpilot.storage.blacklist import add_entry, is_blacklisted, remove_entry
from linkpilot.storage.contacts import (
    ContactFilters,
    ContactSort,
    ForgetReport,
    PageKey,
    count_contacts,
    forget_contact,
    page_contacts,
)
from linkpilot.storage.database import Database
from linkpilot.storage.models import Contact, ContactStatus, Interaction
from linkpilot.storage.selector_stats import StatRecord, load_stats

TIMELINE_LIMIT = 50
# What the contacts screen may filter on, without knowing the model.
CONTACT_STATUSES: tuple[str, ...] = tuple(status.value for status in ContactStatus)


@dataclass(frozen=True, slots=True)
class ContactRow:
    id: int
    name: str
    headline: str | None
    status: str
    degree: int | None
    open_to_work: bool
    fit_score: float | None
    profile_url: str | None


@dataclass(frozen=True, slots=True)
class PageResult:
    rows: list[ContactRow]
    next_after: PageKey | None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: str
    state: str
    text: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class ContactDetail:
    row: ContactRow
    location: str | None
    company: str | None
    job_title: str | None
    birthday: str | None
    blacklisted: bool
    timeline: list[TimelineEntry]


def _row(contact: Contact) -> ContactRow:
    return ContactRow(
        id=contact.id,
        name=contact.name,
        headline=contact.headline,
        status=contact.status,
        degree=contact.degree,
        open_to_work=bool(contact.open_to_work),
        fit_score=contact.fit_score,
        profile_url=contact.profile_url,
    )


class ContactBook:
    def __init__(self, db: Database, *, owns_db: bool = True) -> None:
        self.db = db
        self.owns_db = owns_db

    async def page(
        self,
        filters: ContactFilters,
        *,
        after: PageKey | None,
        limit: int,
        sort: ContactSort = ContactSort.NAME,
    ) -> PageResult:
        async with self.db.session() as session:
            page = await page_contacts(session, after=after, limit=limit, filters=filters, sort=sort)
            return PageResult([_row(c) for c in page.contacts], page.next_after)

    async def count(self, filters: ContactFilters) -> int:
        # Apart from the page: a search count scans every row, the page does not.
        async with self.db.session() as session:
            return await count_contacts(session, filters)

    async def detail(self, contact_id: int) -> ContactDetail | None:
        async with self.db.session() as session:
            contact = await session.get(Contact, contact_id)
            if contact is None:
                return None
            listed = await is_blacklisted(session, contact.profile_url, contact.name)
            stmt = (
                select(Interaction)
                .where(Interaction.contact_id == contact_id)
                .order_by(Interaction.created_at.desc(), Interaction.id.desc())
                .limit(TIMELINE_LIMIT)
            )
            timeline = [
                TimelineEntry(i.sent_at or i.created_at, i.kind, i.state, i.text, i.error)
                for i in (await session.execute(stmt)).scalars()
            ]
            birthday = (
                f"{contact.birthday_day:02d}/{contact.birthday_month:02d}"
                if contact.birthday_day and contact.birthday_month
                else None
            )
            return ContactDetail(
                row=_row(contact),
                location=contact.location,
                company=contact.company,
                job_title=contact.job_title,
                birthday=birthday,
                blacklisted=bool(listed),
                timeline=timeline,
            )

    async def set_blacklisted(self, contact_id: int, listed: bool, *, clock: Clock = utc_now) -> None:
        async with self.db.transaction() as session:
            contact = await self._get(session, contact_id)
            if listed:
                await add_entry(
                    session, contact.profile_url or contact.name, reason="blacklisted from the console"
                )
                return
            # An entry may name the person by URL or by name: lift whichever is there.
            removed = 0
            for target in filter(None, (contact.profile_url, contact.name)):
                try:
                    removed += await remove_entry(session, target, clock=clock)
                except BadInput:
                    continue
            if not removed:
                raise BadInput(f"{contact.name} is not on the blacklist")

    async def forget(self, contact_id: int) -> ForgetReport:
        async with self.db.transaction() as session:
            contact = await self._get(session, contact_id)
            if contact.profile_url is None:
                raise BadInput(f"{contact.name} has no profile URL to forget by")
            return await forget_contact(session, contact.profile_url)

    @staticmethod
    async def _get(session: AsyncSession, contact_id: int) -> Contact:
        contact = await session.get(Contact, contact_id)
        if contact is None:
            raise BadInput("this contact no longer exists")
        return contact

    async def selector_stats(self) -> list[StatRecord]:
        async with self.db.session() as session:
            return await load_stats(session)

    async def close(self) -> None:
        if self.owns_db:
            await self.db.dispose()
