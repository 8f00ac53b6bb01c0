"""The blacklist: people LinkPilot must never contact, by profile URL or by full name.

Entries are never deleted: removing one sets `active = False` and `removed_at`, so the history
of who was excluded, and when, survives.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from linkpilot.common.clock import Clock, utc_now
from linkpilot.common.errors import BadInput
from linkpilot.common.text import fold, search_words
from linkpilot.common.urls import normalize_profile_url
from linkpilot.storage.models import BlacklistEntry, Contact

MAX_NAME = 200


def parse_target(url_or_name: str) -> tuple[str | None, str | None]:
    """Split what the operator typed into (normalised URL, None) or (None, full name).

    Anything that looks like a link must be a valid profile URL: a typo in a URL silently
    stored as a "name" would never match anyone.
    """
    text = " ".join(url_or_name.split())
    if not text:
        raise BadInput("empty blacklist target: give a profile URL or a full name")
    lowered = text.lower()
    if "://" in lowered or "/in/" in lowered or lowered.startswith(("linkedin.", "www.")):
        return normalize_profile_url(text), None
    if len(text) > MAX_NAME:
        raise BadInput(f"name too long for the blacklist ({len(text)} characters, at most {MAX_NAME})")
    if not search_words(text):
        raise BadInput(f"not a usable name for the blacklist: {url_or_name!r}")
    return None, text


def _matches(profile_url: str | None, name: str | None) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if profile_url:
        clauses.append(BlacklistEntry.profile_url == profile_url)
    if name and fold(name):
        clauses.append(BlacklistEntry.name_key == fold(name))
    if not clauses:
        raise ValueError("a blacklist lookup needs a profile URL or a name")
    return or_(*clauses)


async def find_active(session: AsyncSession, url_or_name: str) -> list[BlacklistEntry]:
    url, name = parse_target(url_or_name)
    stmt = (
        select(BlacklistEntry).where(BlacklistEntry.active, _matches(url, name)).order_by(BlacklistEntry.id)
    )
    return list((await session.execute(stmt)).scalars())


async def add_entry(
    session: AsyncSession, url_or_name: str, *, reason: str | None = None, added_by: str = "user"
) -> tuple[BlacklistEntry, bool]:
    """Blacklist a person; return (entry, created). An existing active entry is returned as is."""
    url, name = parse_target(url_or_name)
    existing = (
        (
            await session.execute(
                select(BlacklistEntry).where(BlacklistEntry.active, _matches(url, name)).limit(1)
            )
        )
        .scalars()
        .first()
    )
    if existing is not None:
        return existing, False
    entry = BlacklistEntry(profile_url=url, name=name, reason=reason or None, added_by=added_by)
    session.add(entry)
    await session.flush()
    return entry, True


async def remove_entry(session: AsyncSession, url_or_name: str, *, clock: Clock = utc_now) -> int:
    """Deactivate every active entry matching the target; return how many. None -> BadInput."""
    entries = await find_active(session, url_or_name)
    if not entries:
        raise BadInput(f"not on the blacklist: {url_or_name.strip()!r}")
    now = clock()
    for entry in entries:
        entry.active = False
        entry.removed_at = now
    await session.flush()
    return len(entries)


async def list_entries(session: AsyncSession, *, include_removed: bool = False) -> list[BlacklistEntry]:
    stmt = select(BlacklistEntry).order_by(BlacklistEntry.added_at, BlacklistEntry.id)
    if not include_removed:
        stmt = stmt.where(BlacklistEntry.active)
    return list((await session.execute(stmt)).scalars())


async def is_blacklisted(session: AsyncSession, profile_url: str | None, name: str | None) -> bool:
    """True when an active entry names this profile URL, or this full name (case and accents aside).

    The URL is normalised here, so campaigns may pass the link exactly as the page showed it; a
    link that is not a profile URL cannot match a URL entry, and the name is still checked.
    """
    url = None
    if profile_url:
        try:
            url = normalize_profile_url(profile_url)
        except BadInput:
            url = None
    if not url and not (name and fold(name)):
        return False
    stmt = select(exists().where(BlacklistEntry.active, _matches(url, name)))
    return bool((await session.execute(stmt)).scalar())


def contact_is_blacklisted() -> ColumnElement[bool]:
    """A SQL condition on Contact: an active entry has its URL or its folded full name."""
    return exists().where(
        BlacklistEntry.active,
        or_(BlacklistEntry.profile_url == Contact.profile_url, BlacklistEntry.name_key == Contact.name_key),
    )
