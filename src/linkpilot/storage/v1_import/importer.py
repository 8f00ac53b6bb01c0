"""Bringing one V1 snapshot into the LinkPilot database, inside the caller's transaction.

Each V1 row ends in exactly one bucket of the report: imported, merged (it is provably what
is already there: a contact with the same profile URL, the same wish, a blacklist entry, a row
imported before) or skipped with a reason (nothing in it to import: no name and no URL, a junk
date). A contact row without a URL is a person of its own, never merged for a shared name. An
ImportRecord remembers every imported or merged row by a content key (see mapping.row_key), so
importing the same file, or a copy of it, again adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from linkpilot.common.text import fold
from linkpilot.storage.contacts import first_name_of
from linkpilot.storage.models import (
    BlacklistEntry,
    Contact,
    ContactStatus,
    ImportRecord,
    Interaction,
    InteractionKind,
    InteractionState,
)
from linkpilot.storage.v1_import import mapping as m
from linkpilot.storage.v1_import.people import ContactIndex, Found
from linkpilot.storage.v1_import.reader import IMPORTED_COLUMNS, NOT_IMPORTED, V1Snapshot
from linkpilot.storage.v1_import.report import ImportReport, TableReport

RowT = TypeVar("RowT", Interaction, BlacklistEntry)
# A row of the target database: an id when it was there before, the new object until it is flushed.
Target = Contact | Interaction | BlacklistEntry | int


def _id(target: Target) -> int:
    return target if isinstance(target, int) else target.id


SOURCE = "v1"
# A wish more than a year late belongs to no birthday we could name: the value is junk.
MAX_DAYS_LATE = 365
TABLE_PREFIX = "v1."

ALREADY = "already imported"
BAD_URL = "bad profile URL"
DUPLICATE_WISH = "duplicate wish for the same person and birthday"
FORGOTTEN = "its contact was imported before and has since been removed"
JUNK_DATE = "junk date"
MISSING_NAME = "missing name"
MISSING_TARGET = "missing name and profile URL"
INACTIVE = "inactive in V1 (removed from its blacklist)"
ALREADY_BLACKLISTED = "already blacklisted"


@dataclass
class _Run:
    session: AsyncSession
    snapshot: V1Snapshot
    zone: ZoneInfo
    now: datetime
    report: ImportReport
    people: ContactIndex
    done: dict[tuple[str, str], int | None] = field(default_factory=dict)
    v1_contacts: dict[int, Contact | None] = field(default_factory=dict)
    birthdays: dict[tuple[Contact, date], Target] = field(default_factory=dict)
    # Wishes whose V1 contact is unknown, by what V1 recorded (folded name, time, text): V1
    # could record one wish twice, and the copy must not make a second person.
    unplaced_wishes: dict[tuple[str, datetime, str | None], Target] = field(default_factory=dict)
    blacklist_by_url: dict[str, Target] = field(default_factory=dict)
    blacklist_by_name: dict[str, Target] = field(default_factory=dict)
    # ImportRecords wait for the final flush, which gives new rows their ids.
    pending: list[tuple[str, str, Target]] = field(default_factory=list)

    async def load(self) -> None:
        await self.people.load()
        records = await self.session.execute(
            select(ImportRecord.source_table, ImportRecord.source_key, ImportRecord.target_id).where(
                ImportRecord.source_table.startswith(TABLE_PREFIX)
            )
        )
        self.done = {(t, k): target for t, k, target in records}
        wishes = await self.session.execute(
            select(Interaction.contact_id, Interaction.occurrence, Interaction.id).where(
                Interaction.kind == InteractionKind.BIRTHDAY,
                Interaction.contact_id.is_not(None),
                Interaction.occurrence.is_not(None),
            )
        )
        for cid, occ, iid in wishes:
            contact = self.people.by_id.get(cid) if cid is not None else None
            if contact is not None and occ is not None:
                self.birthdays[(contact, occ)] = iid
        entries = await self.session.execute(
            select(BlacklistEntry.id, BlacklistEntry.profile_url, BlacklistEntry.name).where(
                BlacklistEntry.active
            )
        )
        for entry_id, url, name in entries:
            self.remember_blacklisted(entry_id, url, name)

    def remember_blacklisted(self, entry_id: Target, url: str | None, name: str | None) -> None:
        # The same test as blacklist.is_blacklisted: an entry stops its URL and its name.
        if url:
            self.blacklist_by_url.setdefault(url, entry_id)
        if name:
            self.blacklist_by_name.setdefault(fold(name), entry_id)

    def blacklisted(self, url: str | None, name: str | None) -> Target | None:
        by_url = self.blacklist_by_url.get(url) if url else None
        return by_url if by_url is not None else self.blacklist_by_name.get(fold(name)) if name else None

    def start(self, table: str) -> tuple[list[dict[str, Any]], TableReport]:
        rows = self.snapshot.rows.get(table, [])
        report = self.report.table(table)
        report.read = len(rows)
        return rows, report

    def fresh(
        self, table: str, rows: list[dict[str, Any]], t: TableReport
    ) -> Iterator[tuple[dict[str, Any], str]]:
        """(row, key) for each row no earlier import brought in; the others count as merged."""
        for row in rows:
            key = m.row_key(table, row)
            if (TABLE_PREFIX + table, key) in self.done:
                t.merged[ALREADY] += 1
                if table == "contacts":
                    self._known_contact(row, self.done[(TABLE_PREFIX + table, key)])
                continue
            yield row, key

    def _known_contact(self, row: dict[str, Any], target: int | None) -> None:
        # Messages still find the contact an earlier import made (None: it was removed since).
        v1_id = m.whole_number(row["id"])
        if v1_id is not None:
            self.v1_contacts[v1_id] = self.people.by_id.get(target) if target is not None else None

    def record(self, table: str, key: str, target: Target) -> None:
        self.pending.append((TABLE_PREFIX + table, key, target))
        self.done[(TABLE_PREFIX + table, key)] = None
        self.report.added["import_records"] += 1

    def add(self, row: RowT) -> RowT:
        self.session.add(row)
        self.report.added["interactions" if isinstance(row, Interaction) else "blacklist"] += 1
        return row

    async def finish(self) -> None:
        await self.session.flush()
        if self.pending:
            # One executemany: these rows need no id back, and the ORM would insert them one by one.
            await self.session.execute(
                insert(ImportRecord),
                [
                    {
                        "source_table": table,
                        "source_key": key,
                        "target_id": _id(target),
                        "imported_at": self.now,
                    }
                    for table, key, target in self.pending
                ],
            )

    def new_contact(self, contact: Contact) -> Contact:
        contact.source = SOURCE
        # Column defaults only apply at the final flush; the import reads these before that.
        contact.status = contact.status or ContactStatus.NEW
        contact.open_to_work = bool(contact.open_to_work)
        contact.first_name = contact.first_name or first_name_of(contact.name)
        contact.skills = contact.skills or []
        contact.languages = contact.languages or []
        contact.work_history = contact.work_history or []
        contact.education = contact.education or []
        contact.created_at = contact.created_at or self.now
        contact.updated_at = self.now
        self.report.added["contacts"] += 1
        return self.people.create(contact)


async def import_snapshot(
    session: AsyncSession, snapshot: V1Snapshot, *, zone: ZoneInfo, now: datetime, dry_run: bool
) -> ImportReport:
    """Import every row of `snapshot` through `session`; the caller commits or rolls back."""
    report = ImportReport(
        source=snapshot.path,
        schema_version=snapshot.schema_version,
        copied=snapshot.copied,
        dry_run=dry_run,
        missing_tables=snapshot.missing_tables,
        missing_columns=dict(snapshot.missing_columns),
        not_imported={t: (n, NOT_IMPORTED[t]) for t, n in snapshot.not_imported.items()},
        warnings=list(snapshot.warnings),
    )
    report.not_imported.update(
        {
            t: (n, "unknown table: not a V1 table this importer knows")
            for t, n in snapshot.unknown_tables.items()
        }
    )
    run = _Run(session, snapshot, zone, now, report, ContactIndex(session))
    await run.load()
    for table, step in _STEPS.items():
        if table in snapshot.rows:
            step(run)
    await run.finish()
    return report


def _contacts(run: _Run) -> None:
    rows, t = run.start("contacts")
    for row, key in run.fresh("contacts", rows, t):
        url, bad_url = m.profile_url(row["linkedin_url"])
        name = m.text(row["name"], 200)
        v1_id = m.whole_number(row["id"])
        if url is None and name is None:
            t.skipped[BAD_URL if bad_url else MISSING_NAME] += 1
            continue
        if bad_url:
            t.notes["bad profile URL, imported without it"] += 1
        found = run.people.by_profile_url(url) if url is not None else Found(None)
        contact = _merged(t, found)
        if contact is None:
            if name is None:
                assert url is not None
                name = m.slug_name(url)
                t.notes["name taken from the profile URL"] += 1
            created = m.parse_time(row["created_at"], run.now)
            contact = run.new_contact(
                Contact(
                    name=name,
                    profile_url=url,
                    notes=m.text(row["notes"]),
                    created_at=created.at if created else None,
                )
            )
            t.imported += 1
        elif contact.notes is None:
            contact.notes = m.text(row["notes"])
        if v1_id is not None:
            run.v1_contacts[v1_id] = contact
        run.record("contacts", key, contact)


def _merged(t: TableReport, found: Found) -> Contact | None:
    """Count a row that lands on an existing contact (only ever by its profile URL)."""
    if found.match is not None:
        t.merged[found.match.value] += 1
    return found.contact


def _person_by_name(run: _Run, t: TableReport, name: str | None, why: str) -> Contact | str:
    """For a row whose person V1 did not record: the one contact with this name, else a contact of
    its own (never one of several namesakes); a skip reason when it has no name either."""
    if name is None:
        return MISSING_NAME
    only = run.people.only_one_named(name)
    if only is not None:
        return only
    if run.people.named(name):
        t.notes[f"several contacts have the {why}'s name: a contact of its own created"] += 1
    else:
        t.notes[f"contact created from the {why}'s name"] += 1
    return run.new_contact(Contact(name=name))


def _birthday_messages(run: _Run) -> None:
    rows, t = run.start("birthday_messages")
    for row, key in run.fresh("birthday_messages", rows, t):
        sent = m.parse_time(row["sent_at"], run.now)
        if sent is None:
            t.skipped[f"{JUNK_DATE} (sent_at)"] += 1
            continue
        v1_id = m.whole_number(row["contact_id"])
        text = m.text(row["message_text"])
        contact: Contact | str
        unplaced: tuple[str, datetime, str | None] | None = None
        if v1_id is not None and v1_id in run.v1_contacts:
            by_id = run.v1_contacts[v1_id]
            contact = by_id if by_id is not None else FORGOTTEN
        else:
            # contact_id NULL, dangling, or its contact row was skipped: placed by name, if at all.
            name = m.text(row["contact_name"], 200)
            unplaced = (fold(name), sent.at, text) if name is not None else None
            if unplaced is not None and unplaced in run.unplaced_wishes:
                t.merged[DUPLICATE_WISH] += 1
                run.record("birthday_messages", key, run.unplaced_wishes[unplaced])
                continue
            contact = _person_by_name(run, t, name, "message")
        if isinstance(contact, str):
            t.skipped[contact] += 1
            continue
        days_late = m.whole_number(row["days_late"])
        if days_late is None or not 0 <= days_late <= MAX_DAYS_LATE:
            if row["days_late"] is not None:
                t.notes["days_late not understood, taken as 0"] += 1
            days_late = 0
        occurrence = sent.local_date(run.zone) - timedelta(days=days_late)
        earlier = run.birthdays.get((contact, occurrence))
        if earlier is not None:
            # V1 could record two wishes for one birthday (its unique index includes the text).
            t.merged[DUPLICATE_WISH] += 1
            run.record("birthday_messages", key, earlier)
            continue
        wish = run.add(
            Interaction(
                contact=contact,
                kind=InteractionKind.BIRTHDAY,
                state=InteractionState.SENT,
                text=text,
                occurrence=occurrence,
                days_late=days_late,
                source=SOURCE,
                sent_at=sent.at,
                created_at=sent.at,
                updated_at=sent.at,
            )
        )
        run.birthdays[(contact, occurrence)] = wish
        if unplaced is not None:
            run.unplaced_wishes[unplaced] = wish
        if contact.birthday_month is None and contact.birthday_day is None:
            # The occurrence is the birthday LinkedIn announced: the contact's birthday.
            contact.birthday_month, contact.birthday_day = occurrence.month, occurrence.day
            t.notes["birthday (month and day) learned from the wish"] += 1
        t.imported += 1
        run.record("birthday_messages", key, wish)


def _profile_visits(run: _Run) -> None:
    rows, t = run.start("profile_visits")
    for row, key in run.fresh("profile_visits", rows, t):
        visited = m.parse_time(row["visited_at"], run.now)
        if visited is None:
            t.skipped[f"{JUNK_DATE} (visited_at)"] += 1
            continue
        url, bad_url = m.profile_url(row["profile_url"])
        name = m.text(row["profile_name"], 200)
        contact: Contact | str
        if url is not None:
            # The visit itself is a new interaction whoever it lands on: nothing merged to count.
            found = run.people.by_profile_url(url).contact
            contact = found or run.new_contact(Contact(name=name or m.slug_name(url), profile_url=url))
            if found is None:
                t.notes["contact created from the visit"] += 1
        else:
            if bad_url and name is not None:
                t.notes["bad profile URL, placed by name"] += 1
            contact = _person_by_name(run, t, name, "visit")
        if isinstance(contact, str):
            # Only a visit with no name and no usable URL lands nowhere.
            t.skipped[BAD_URL if bad_url else MISSING_TARGET] += 1
            continue
        success = m.flag(row["success"], default=True)
        visit = run.add(
            Interaction(
                contact=contact,
                kind=InteractionKind.VISIT,
                state=InteractionState.SENT if success else InteractionState.FAILED,
                error=None
                if success
                else (m.text(row["error_message"]) or "failed in V1 (no reason recorded)"),
                source=SOURCE,
                sent_at=visited.at if success else None,
                created_at=visited.at,
                updated_at=visited.at,
            )
        )
        if success:
            _visited(contact, visited.at)
        t.imported += 1
        run.record("profile_visits", key, visit)


def _visited(contact: Contact, at: datetime) -> None:
    if contact.last_visited_at is None or contact.last_visited_at < at:
        contact.last_visited_at = at
    if contact.status == ContactStatus.NEW:
        contact.status = ContactStatus.VISITED


def _profile_fields(row: dict[str, Any], t: TableReport) -> dict[str, Any]:
    degree, odd_degree = m.degree(row["connection_degree"])
    if odd_degree:
        t.notes["connection_degree not understood, left empty"] += 1
    skills, guessed_skills = m.string_list(row["skills"])
    languages, guessed_languages = m.string_list(row["languages"])
    work_history, odd_history = m.record_list(row["work_history"], "description")
    education, _ = m.record_list(row["education"], "school")
    school = m.text(row["school"])
    if not education and school:
        education = [{"school": school, "degree": m.text(row["degree"])}]
    for column, guessed in (("skills", guessed_skills), ("languages", guessed_languages)):
        if guessed:
            t.notes[f"{column} not JSON, split on commas"] += 1
    if odd_history:
        t.notes["work_history not JSON, kept as one description"] += 1
    return {
        "first_name": m.text(row["first_name"], 100),
        "headline": m.text(row["headline"]),
        "location": m.text(row["location"], 200),
        "degree": degree,
        "fit_score": m.number(row["fit_score"]),
        "open_to_work": m.flag(row["open_to_work"], default=False),
        "about": m.text(row["summary"]),
        "company": m.text(row["current_company"], 200),
        "job_title": m.text(row["job_title"], 200),
        "years_experience": m.number(row["years_experience"]),
        "skills": skills,
        "languages": languages,
        "work_history": work_history,
        "education": education,
    }


def _empty(value: Any) -> bool:
    return value is None or value is False or value == []


def _full_name(row: dict[str, Any]) -> str | None:
    full = m.text(row["full_name"], 200)
    if full:
        return full
    parts = [p for p in (m.text(row["first_name"]), m.text(row["last_name"])) if p]
    return " ".join(parts)[:200] or None


def _scraped_profiles(run: _Run) -> None:
    rows, t = run.start("scraped_profiles")
    for row, key in run.fresh("scraped_profiles", rows, t):
        url, _ = m.profile_url(row["profile_url"])
        if url is None:
            t.skipped[BAD_URL] += 1
            continue
        fields = _profile_fields(row, t)
        scraped = m.parse_time(row["scraped_at"], run.now)
        if scraped is None:
            t.notes[f"{JUNK_DATE} (scraped_at), visit time left empty"] += 1
        # Sourcing profiles are strangers more often than not: matched by URL only, never by name.
        contact = _merged(t, run.people.by_profile_url(url))
        if contact is None:
            contact = run.new_contact(
                Contact(name=_full_name(row) or m.slug_name(url), profile_url=url, **fields)
            )
            t.imported += 1
        else:
            for attr, value in fields.items():
                if not _empty(value) and _empty(getattr(contact, attr)):
                    setattr(contact, attr, value)
        if scraped is not None:
            _visited(contact, scraped.at)
        run.record("scraped_profiles", key, contact)


def _blacklist(run: _Run) -> None:
    rows, t = run.start("blacklist")
    for row, key in run.fresh("blacklist", rows, t):
        if not m.flag(row["is_active"], default=True):
            t.skipped[INACTIVE] += 1
            continue
        url, bad_url = m.profile_url(row["linkedin_url"])
        name = m.text(row["contact_name"], 200)
        if bad_url and name is not None:
            # A blacklist entry protects someone: keep it by name rather than lose it.
            t.notes["bad profile URL, kept by name"] += 1
        if url is None and name is None:
            t.skipped[BAD_URL if bad_url else MISSING_TARGET] += 1
            continue
        existing = run.blacklisted(url, name)
        if existing is not None:
            t.merged[ALREADY_BLACKLISTED] += 1
            run.record("blacklist", key, existing)
            continue
        added = m.parse_time(row["added_at"], run.now)
        if added is None and row["added_at"] is not None:
            t.notes[f"{JUNK_DATE} (added_at), import time used"] += 1
        entry = run.add(
            BlacklistEntry(
                profile_url=url,
                name=name,
                reason=m.text(row["reason"]),
                added_by=m.text(row["added_by"], 40) or "user",
                added_at=added.at if added else run.now,
                active=True,
            )
        )
        run.remember_blacklisted(entry, url, name)
        t.imported += 1
        run.record("blacklist", key, entry)


# Contacts first: messages and visits find their people through the contacts just imported.
_STEPS: dict[str, Callable[[_Run], None]] = {
    "contacts": _contacts,
    "birthday_messages": _birthday_messages,
    "profile_visits": _profile_visits,
    "scraped_profiles": _scraped_profiles,
    "blacklist": _blacklist,
}
assert set(_STEPS) == set(IMPORTED_COLUMNS)
