"""Contacts: one row per person keyed by normalised profile URL; search, keyset paging, forgetting.

The console pages the list from SQL with `page_contacts` and never loads every row: each page is
an index range scan that starts right after the last row shown, however deep the page.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, String, Text, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from linkpilot.common.errors import BadInput
from linkpilot.common.text import fold, search_words
from linkpilot.common.urls import normalize_profile_url, profile_slug
from linkpilot.storage.blacklist import contact_is_blacklisted, is_blacklisted
from linkpilot.storage.models import CampaignRun, Contact, Interaction

MAX_PAGE = 1000

# Columns callers may set through upsert_contact; keys, ids and timestamps are the store's own.
UPSERT_FIELDS = frozenset(
    c.key
    for c in Contact.__table__.columns
    if c.key not in {"id", "profile_url", "name_key", "search_text", "created_at", "updated_at"}
)

# Bounded text columns. SQLite keeps a longer string whole and PostgreSQL refuses the row, so
# what a profile page or a file hands over is cut to the column on every backend alike.
_LENGTHS = {
    c.key: c.type.length
    for c in Contact.__table__.columns
    if isinstance(c.type, String) and not isinstance(c.type, Text) and c.type.length
}


def fit_columns(fields: Mapping[str, Any]) -> dict[str, Any]:
    """`fields` with each string cut to the length of its contact column."""
    return {
        key: value[: _LENGTHS[key]] if isinstance(value, str) and key in _LENGTHS else value
        for key, value in fields.items()
    }


# Honorifics dropped before the first name (English, French, German), compared folded, no dot.
_HONORIFICS = frozenset(
    {
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "prof",
        "pr",
        "sir",
        "dame",
        "m",
        "mme",
        "mlle",
        "me",
        "herr",
        "frau",
    }
)


def split_name(full_name: str) -> tuple[str | None, str | None]:
    """(first name, rest) of a display name, for greetings.

    "Dr. Jean-Pierre de la Tour, PhD" -> ("Jean-Pierre", "de la Tour"); "DURAND Éloïse" ->
    ("Éloïse", "DURAND") (the French habit of writing the family name first, in capitals);
    an initial alone ("J. Smith") gives no first name: "Happy birthday J.!" reads worse than none.
    """
    head = full_name.split(",", 1)[0]
    tokens = [t for t in _without_brackets(head).split() if any(ch.isalpha() for ch in t)]
    while len(tokens) > 1 and fold(tokens[0]).rstrip(".") in _HONORIFICS:
        tokens.pop(0)
    if not tokens:
        return None, None
    if len(tokens) > 1 and _shouting(tokens[0]) and not all(_shouting(t) for t in tokens):
        # "DURAND Éloïse": the first mixed-case word is the given name.
        index = next(i for i, t in enumerate(tokens) if not _shouting(t))
        first, rest = tokens[index], tokens[:index] + tokens[index + 1 :]
    else:
        first, rest = tokens[0], tokens[1:]
    first = first.strip(".,;:!?\"'")
    last = " ".join(rest) or None
    if len(first.replace(".", "")) <= 1:
        return None, last
    if _shouting(first):
        # "JEAN-PIERRE MARTIN": greet "Jean-Pierre", not in capitals.
        first = "-".join(part.capitalize() for part in first.split("-"))
    return first, last


def first_name_of(full_name: str) -> str | None:
    return split_name(full_name)[0]


def _without_brackets(text: str) -> str:
    # Nicknames and pronouns in brackets are not names to greet by: "Robert (Bob) Smith", "(she/her)".
    out: list[str] = []
    depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _shouting(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    return len(letters) > 1 and all(ch.isupper() for ch in letters)


async def get_contact_by_url(session: AsyncSession, profile_url: str) -> Contact | None:
    url = normalize_profile_url(profile_url)
    return (await session.execute(select(Contact).where(Contact.profile_url == url))).scalar_one_or_none()


async def upsert_contact(session: AsyncSession, profile_url: str, **fields: Any) -> tuple[Contact, bool]:
    """Insert or update the contact with this profile URL; return (contact, created).

    Only the fields given are written, so an update never blanks what it was not told about.
    A new contact needs a name; its first name is derived from it unless given.
    """
    unknown = set(fields) - UPSERT_FIELDS
    if unknown:
        raise ValueError(f"not contact fields: {', '.join(sorted(unknown))}")
    url = normalize_profile_url(profile_url)
    contact = await get_contact_by_url(session, url)
    created = contact is None
    if contact is None:
        contact = new_contact(url, fields)
        session.add(contact)
    else:
        update_contact(contact, fields)
    await session.flush()
    return contact, created


async def add_new_contacts(session: AsyncSession, people: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
    """Insert (profile URL, fields) for each person into an empty contacts table (sample data).

    Nothing is written when the table already holds contacts: a second seeding is a no-op.
    """
    if (await session.execute(select(func.count()).select_from(Contact))).scalar_one():
        return 0
    contacts = [new_contact(normalize_profile_url(url), fields) for url, fields in people]
    session.add_all(contacts)
    return len(contacts)


def new_contact(normalized_url: str, fields: Mapping[str, Any]) -> Contact:
    name = fields.get("name")
    if not name or not str(name).strip():
        raise BadInput(f"a new contact needs a name: {normalized_url}")
    contact = Contact(profile_url=normalized_url, **fit_columns(fields))
    if not fields.get("first_name"):
        contact.first_name = fit_columns({"first_name": first_name_of(str(contact.name))})["first_name"]
    return contact


def update_contact(contact: Contact, fields: Mapping[str, Any]) -> None:
    # A first name derived from the old name follows a new name; one set by hand stays.
    rederive = (
        "name" in fields
        and not fields.get("first_name")
        and contact.first_name == first_name_of(contact.name or "")
    )
    for key, value in fit_columns(fields).items():
        setattr(contact, key, value)
    if rederive:
        contact.first_name = fit_columns({"first_name": first_name_of(contact.name or "")})["first_name"]


class ContactSort(StrEnum):
    NAME = "name"  # folded name, A to Z
    FIT = "fit"  # best fit score first, unscored last


@dataclass(frozen=True)
class ContactFilters:
    status: str | None = None
    degree: int | None = None
    open_to_work: bool | None = None
    blacklisted: bool | None = None
    search: str | None = None


PageKey = tuple[Any, int]


@dataclass(frozen=True)
class ContactPage:
    contacts: list[Contact] = field(default_factory=list)
    # The `after` to pass for the next page; None on the last page.
    next_after: PageKey | None = None


def _like_prefix(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"% {escaped}%"


def filter_clauses(filters: ContactFilters | None) -> list[ColumnElement[bool]]:
    if filters is None:
        return []
    clauses: list[ColumnElement[bool]] = []
    if filters.status is not None:
        clauses.append(Contact.status == filters.status)
    if filters.degree is not None:
        clauses.append(Contact.degree == filters.degree)
    if filters.open_to_work is not None:
        clauses.append(Contact.open_to_work.is_(filters.open_to_work))
    if filters.blacklisted is not None:
        listed = contact_is_blacklisted()
        clauses.append(listed if filters.blacklisted else ~listed)
    # Every word must start a word of the name or headline: "jea dup" finds "Jean Dupont".
    clauses.extend(
        Contact.search_text.like(_like_prefix(word), escape="\\")
        for word in search_words(filters.search or "")
    )
    return clauses


def sort_key(contact: Contact, sort: ContactSort | str) -> PageKey:
    if ContactSort(sort) is ContactSort.NAME:
        return (contact.name_key, contact.id)
    return (contact.fit_score, contact.id)


def offset_query(filters: ContactFilters | None, sort: ContactSort | str) -> Select[Contact]:
    """The same list as `page_contacts`, ordered the same way, for OFFSET paging (the bench baseline)."""
    stmt = select(Contact).where(*filter_clauses(filters))
    if ContactSort(sort) is ContactSort.NAME:
        return stmt.order_by(Contact.name_key, Contact.id)
    return stmt.order_by(Contact.fit_score.desc().nulls_last(), Contact.id.desc())


async def page_contacts(
    session: AsyncSession,
    *,
    after: PageKey | None = None,
    limit: int = 50,
    filters: ContactFilters | None = None,
    sort: ContactSort | str = ContactSort.NAME,
) -> ContactPage:
    """One page of contacts strictly after the key `after` (None: the first page).

    Sort by name: (name_key, id) ascending. Sort by fit: fit score descending then id
    descending, and the unscored after every scored contact, in id order descending. Each
    page is read as a few index range scans starting at the key, so page 1,000 costs what
    page 1 costs.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"page size must be between 1 and {MAX_PAGE}")
    order = ContactSort(sort)
    where = filter_clauses(filters)
    rows: list[Contact] = []
    for extra, ordering in _segments(order, after):
        stmt = select(Contact).where(*where, *extra).order_by(*ordering).limit(limit + 1 - len(rows))
        rows.extend((await session.execute(stmt)).scalars())
        if len(rows) > limit:
            return ContactPage(rows[:limit], sort_key(rows[limit - 1], order))
    return ContactPage(rows, None)


Segment = tuple[list[ColumnElement[bool]], list[Any]]


def _segments(order: ContactSort, after: PageKey | None) -> list[Segment]:
    """The index ranges that follow `after`, in list order.

    Not one `(key, id) > (?, ?)` row-value test: SQLite seeks only on its first column and then
    steps through every row sharing the key (thousands of "Jean Martin"s in a big list), and
    NULL scores sort differently on SQLite and PostgreSQL. Equal-key rows first, then the
    rest: each range is a plain index seek on both backends.
    """
    by_name = [Contact.name_key, Contact.id]
    by_score = [Contact.fit_score.desc(), Contact.id.desc()]
    newest_first = [Contact.id.desc()]
    scored, unscored = Contact.fit_score.is_not(None), Contact.fit_score.is_(None)
    if order is ContactSort.NAME:
        if after is None:
            return [([], by_name)]
        key, last_id = after
        return [
            ([Contact.name_key == key, Contact.id > last_id], by_name),
            ([Contact.name_key > key], by_name),
        ]
    if after is None:
        return [([scored], by_score), ([unscored], newest_first)]
    score, last_id = after
    if score is None:
        return [([unscored, Contact.id < last_id], newest_first)]
    return [
        ([Contact.fit_score == score, Contact.id < last_id], by_score),
        ([Contact.fit_score < score], by_score),
        ([unscored], newest_first),
    ]


async def count_contacts(session: AsyncSession, filters: ContactFilters | None = None) -> int:
    stmt = select(func.count()).select_from(Contact).where(*filter_clauses(filters))
    return int((await session.execute(stmt)).scalar_one())


async def names_of(session: AsyncSession, ids: Sequence[int]) -> list[str]:
    """The names of the contacts `ids`, in alphabetical order."""
    if not ids:
        return []
    return list(
        (
            await session.execute(select(Contact.name).where(Contact.id.in_(ids)).order_by(Contact.name))
        ).scalars()
    )


async def iter_contacts(session: AsyncSession, *, batch: int = 500) -> AsyncIterator[Contact]:
    """Every contact in id order, read `batch` rows at a time (exports never hold the whole table)."""
    last_id = 0
    while True:
        stmt = select(Contact).where(Contact.id > last_id).order_by(Contact.id).limit(batch)
        rows = list((await session.execute(stmt)).scalars())
        for contact in rows:
            yield contact
        if len(rows) < batch:
            return
        last_id = rows[-1].id
        # Rows already handed out need not stay in the identity map (only these: the caller's
        # own objects in the session are left alone).
        for contact in rows:
            session.expunge(contact)


@dataclass(frozen=True)
class ForgetReport:
    contact_id: int
    interactions_scrubbed: int
    campaign_runs_scrubbed: int
    still_blacklisted: bool


# Plan entries keep these keys when their person is forgotten: what was done and why, not to whom.
_PLAN_KEEP = frozenset(
    {"kind", "action", "reason", "state", "status", "skip_reason", "days_late", "occurrence", "template_id"}
)


async def forget_contact(session: AsyncSession, profile_url: str) -> ForgetReport:
    """Erase a person: their contact row, the texts sent to them, their place in campaign plans
    (and in run stop reasons).

    Kept on purpose: quota_events (they hold no personal data and are the quota history);
    each interaction's kind, state, occurrence and timestamps, unlinked from the person (the
    day's and week's counts and the run reports stay right); and any blacklist entry naming
    them, so they are never contacted again.
    """
    contact = await get_contact_by_url(session, profile_url)
    if contact is None:
        raise BadInput(f"no contact with profile URL {normalize_profile_url(profile_url)}")
    contact_id, url, name = contact.id, contact.profile_url, contact.name
    blacklisted = await is_blacklisted(session, url, name)

    keyed = await session.execute(
        select(Interaction.id, Interaction.external_key).where(
            Interaction.contact_id == contact_id, Interaction.external_key.is_not(None)
        )
    )
    for interaction_id, key in keyed.all():
        # External keys may embed a URL or a name; a digest keeps them unique and says nothing.
        digest = hashlib.sha256(str(key).encode()).hexdigest()[:32]
        await session.execute(
            update(Interaction)
            .where(Interaction.id == interaction_id)
            .values(external_key=f"forgotten:{digest}")
        )
    scrubbed = await session.execute(
        update(Interaction)
        .where(Interaction.contact_id == contact_id)
        .values(text=None, error=None, contact_id=None)
        .execution_options(synchronize_session=False)
    )
    runs = await _scrub_runs(session, contact_id, url, name)
    await session.execute(delete(Contact).where(Contact.id == contact_id))
    session.expunge(contact)
    await session.flush()
    return ForgetReport(contact_id, int(getattr(scrubbed, "rowcount", 0) or 0), runs, blacklisted)


async def _scrub_runs(session: AsyncSession, contact_id: int, url: str | None, name: str) -> int:
    """Campaign runs keep their plans and stop reasons, without this person in them."""
    slug = profile_slug(url) if url else None
    name_key = fold(name)
    mentions = re.compile("|".join(re.escape(t) for t in (name, slug) if t), re.IGNORECASE)
    changed = 0
    for run in (await session.execute(select(CampaignRun))).scalars():
        plan = run.plan or []
        new_plan = [
            _scrubbed_entry(entry) if _plan_entry_is(entry, contact_id, url, slug, name_key) else entry
            for entry in plan
        ]
        stop_reason = mentions.sub("(forgotten)", run.stop_reason) if run.stop_reason else run.stop_reason
        if new_plan != plan or stop_reason != run.stop_reason:
            run.plan = new_plan
            run.stop_reason = stop_reason
            changed += 1
    return changed


def _plan_entry_is(entry: object, contact_id: int, url: str | None, slug: str | None, name_key: str) -> bool:
    if not isinstance(entry, Mapping):
        return False
    if entry.get("contact_id") == contact_id:
        return True
    for value in entry.values():
        if not isinstance(value, str):
            continue
        if slug and value.lower() == slug:
            return True
        if url and value.startswith(("http", "/in/", "www.")):
            try:
                if normalize_profile_url(value) == url:
                    return True
            except BadInput:
                pass
        if name_key and fold(value) == name_key:
            return True
    return False


def _scrubbed_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in entry.items() if k in _PLAN_KEEP}
    kept["forgotten"] = True
    return kept
