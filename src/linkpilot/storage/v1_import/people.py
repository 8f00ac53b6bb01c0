"""Finding the LinkPilot contact a V1 row speaks of: by normalised URL, else by name as V1 did."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from linkpilot.common.text import fold
from linkpilot.storage.models import Contact


class Match(StrEnum):
    URL = "same profile URL as another contact"


@dataclass(frozen=True)
class Found:
    contact: Contact | None
    match: Match | None = None


class ContactIndex:
    """Every contact of the target database, plus those this import creates, by URL and by name.

    Only a URL proves two rows are one person. A name only ever picks a contact for a row that
    names nobody else (a wish or a visit whose V1 contact is unknown), and only when exactly one
    contact has it: two people with one name are two people.
    """

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.by_url: dict[str, Contact] = {}
        self.by_name: dict[str, list[Contact]] = defaultdict(list)
        self.by_id: dict[int, Contact] = {}
        self.created = 0

    async def load(self) -> None:
        for contact in (await self.session.scalars(select(Contact).order_by(Contact.id))).all():
            self._remember(contact)

    def _remember(self, contact: Contact) -> None:
        if contact.id is not None:
            self.by_id[contact.id] = contact
        if contact.profile_url:
            self.by_url[contact.profile_url] = contact
        self.by_name[fold(contact.name)].append(contact)

    def by_profile_url(self, url: str) -> Found:
        hit = self.by_url.get(url)
        return Found(hit, Match.URL) if hit is not None else Found(None)

    def only_one_named(self, name: str) -> Contact | None:
        """The contact whose name is `name` (folded), when exactly one has it."""
        same = self.by_name.get(fold(name), [])
        return same[0] if len(same) == 1 else None

    def named(self, name: str) -> int:
        return len(self.by_name.get(fold(name), []))

    def create(self, contact: Contact) -> Contact:
        # No flush per row: one flush at the end inserts everything (a flush per row is quadratic).
        self.session.add(contact)
        self._remember(contact)
        self.created += 1
        return contact
