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
    NAME_ADOPTS_URL = "same name as a contact that had no URL"
    NAME = "same name as another contact"


@dataclass(frozen=True)
class Found:
    contact: Contact | None
    match: Match | None = None
    ambiguous: bool = False


class ContactIndex:
    """Every contact of the target database, plus those this import creates, by URL and by name."""

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

    def find(self, url: str | None, name: str | None, *, adopt: bool) -> Found:
        """The contact for (url, name): by URL when there is one, else by a name only one contact has.

        With `adopt`, a row with a URL may also land on the one contact of that name that has no
        URL yet (V1 created such contacts by name, then learned the URL later)."""
        if url is not None:
            hit = self.by_url.get(url)
            if hit is not None:
                return Found(hit, Match.URL)
            if adopt and name is not None:
                same = self.by_name.get(fold(name), [])
                if len(same) == 1 and same[0].profile_url is None:
                    return Found(same[0], Match.NAME_ADOPTS_URL)
            return Found(None)
        if name is None:
            return Found(None)
        same = self.by_name.get(fold(name), [])
        if len(same) > 1:
            return Found(None, ambiguous=True)
        return Found(same[0], Match.NAME) if same else Found(None)

    def land(self, found: Found, url: str | None) -> Contact | None:
        """The contact a row found, having taken the row's URL when it was matched by name for it."""
        if found.contact is not None and found.match is Match.NAME_ADOPTS_URL and url is not None:
            found.contact.profile_url = url
            self.by_url[url] = found.contact
        return found.contact

    def create(self, contact: Contact) -> Contact:
        # No flush per row: one flush at the end inserts everything (a flush per row is quadratic).
        self.session.add(contact)
        self._remember(contact)
        self.created += 1
        return contact
