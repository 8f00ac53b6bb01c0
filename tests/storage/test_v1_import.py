"""Importing V1 databases built by tests/fixtures/v1_factory.py into a real, migrated SQLite file."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from linkpilot.common.errors import BadInput, StorageError
from linkpilot.storage.database import Database
from linkpilot.storage.migrate import upgrade
from linkpilot.storage.models import BlacklistEntry, Contact, Interaction
from linkpilot.storage.v1_import import ImportReport, read_v1, run_import
from tests.fixtures.v1_factory import (
    EXPECTED,
    EXPECTED_ADDED,
    SMTP_PASSWORD,
    create_v1_database,
    create_v1_with_companions,
    create_v1_with_hot_journal,
    truncate_copy,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "home" / "linkpilot.db"
    path.parent.mkdir()
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def v1(tmp_path: Path) -> Path:
    return create_v1_database(tmp_path / "linkedin.db")


@pytest.fixture
async def db(target: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{target}")
    yield database
    await database.dispose()


async def run(v1_path: Path, target: Path, *, dry_run: bool = False, zone: ZoneInfo = PARIS) -> ImportReport:
    return await run_import(
        read_v1(v1_path),
        database_url=f"sqlite+aiosqlite:///{target}",
        backups_dir=target.parent / "backups",
        zone=zone,
        dry_run=dry_run,
        now=NOW,
    )


def table_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}


def files_state(path: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and mtime of a database and of every companion beside it."""
    out = {}
    for p in sorted(path.parent.glob(path.name + "*")):
        out[p.name] = (p.read_bytes(), p.stat().st_mtime_ns)
    return out


def assert_adds_up(report: ImportReport) -> None:
    for name, table in report.tables.items():
        assert table.read == table.accounted, name


async def test_every_quirk_lands_in_the_expected_bucket(v1: Path, target: Path) -> None:
    report = await run(v1, target)
    assert_adds_up(report)
    got = {
        name: {k: t.to_dict()[k] for k in ("read", "imported", "merged", "skipped")}
        for name, t in report.tables.items()
    }
    assert got == EXPECTED
    assert {k: report.added[k] for k in EXPECTED_ADDED} == EXPECTED_ADDED
    contacts = report.tables["contacts"]
    # Only the same profile URL merges; the second Bob and the third Jean are people of their own.
    assert contacts.merged == {"same profile URL as another contact": 1}
    assert contacts.skipped == {"missing name": 1}
    assert contacts.notes["bad profile URL, imported without it"] == 1
    wishes = report.tables["birthday_messages"]
    # Alice's late wish for the same birthday, and V1's second record of one wish to "Bob Durand".
    assert wishes.merged == {"duplicate wish for the same person and birthday": 2}
    assert wishes.skipped == {"junk date (sent_at)": 1, "missing name": 1}
    assert wishes.notes["contact created from the message's name"] == 1
    assert wishes.notes["several contacts have the message's name: a contact of its own created"] == 2
    visits = report.tables["profile_visits"]
    assert visits.skipped == {"junk date (visited_at)": 1}
    assert visits.notes["bad profile URL, placed by name"] == 1
    assert visits.notes["several contacts have the visit's name: a contact of its own created"] == 1
    assert report.tables["scraped_profiles"].notes["skills not JSON, split on commas"] == 1
    assert report.tables["blacklist"].skipped == {"inactive in V1 (removed from its blacklist)": 1}
    assert report.tables["blacklist"].merged == {"already blacklisted": 1}
    # Counted, never read: the SMTP password table is reported as left behind by design.
    rows, why = report.not_imported["notification_settings"]
    assert rows == 1
    assert "never imported" in why
    assert SMTP_PASSWORD not in repr(report.to_dict())
    assert report.schema_version == 4
    assert report.copied  # V1 leaves its file in WAL mode
    assert report.backup is not None
    assert report.backup.parent == target.parent / "backups"
    assert report.backup.name == "pre-import-20261126T120000Z.db"
    assert table_counts(report.backup)["contacts"] == 0  # taken before the import


async def test_contacts_merge_by_normalised_url_only(v1: Path, target: Path, db: Database) -> None:
    await run(v1, target)
    async with db.session() as s:
        every = (await s.scalars(select(Contact).order_by(Contact.id))).all()
    assert Counter((c.name, c.profile_url) for c in every) == {
        ("Alice Martin", "https://www.linkedin.com/in/alice-martin/"): 1,
        # V1 contacts 2 and 7 (two rows, no URL), then the wish and the visit to a "Bob Durand"
        # V1 recorded no contact for: with several Bobs, each gets one of its own.
        ("Bob Durand", None): 3,
        ("bob  durand", None): 1,
        ("Chloé Petit", "https://www.linkedin.com/in/chloe-petit/"): 1,
        ("Jean Dupont", "https://www.linkedin.com/in/jean-dupont-1/"): 1,
        ("Jean Dupont", "https://www.linkedin.com/in/jean-dupont-2/"): 1,
        # V1 contact 10, then the wish to a "Jean Dupont" V1 recorded no contact for.
        ("Jean Dupont", None): 2,
        ("Zoé Nouvelle", None): 1,
        ("Bad Url Guy", None): 1,
        ("X", None): 1,
        ("Eve Nouveau", "https://www.linkedin.com/in/eve-nouveau/"): 1,
        ("Frank Source", "https://www.linkedin.com/in/frank-source/"): 1,
        ("Gina Plain", "https://www.linkedin.com/in/gina-plain/"): 1,
    }
    contacts = {(c.name, c.profile_url): c for c in every}
    alice = contacts[("Alice Martin", "https://www.linkedin.com/in/alice-martin/")]
    assert alice.source == "v1"
    assert alice.notes == "met at a conference"
    assert alice.first_name == "Alice"
    assert alice.created_at == datetime(2024, 1, 10, 8, 0, tzinfo=UTC)
    assert (alice.birthday_month, alice.birthday_day) == (3, 5)
    assert alice.status == "visited"
    assert alice.last_visited_at == datetime(2024, 8, 1, 10, 0, tzinfo=UTC)
    chloe = contacts[("Chloé Petit", "https://www.linkedin.com/in/chloe-petit/")]
    assert chloe.created_at == NOW  # her V1 created_at was junk
    wished_bob = next(c for c in every if c.name == "Bob Durand" and c.birthday_month is not None)
    # Wished at 23:30 UTC on 12 April, i.e. 01:30 on 13 April in Paris.
    assert (wished_bob.birthday_month, wished_bob.birthday_day) == (4, 13)


async def test_sourcing_fields_come_from_scraped_profiles(v1: Path, target: Path, db: Database) -> None:
    await run(v1, target)
    async with db.session() as s:
        frank = (await s.scalars(select(Contact).where(Contact.name == "Frank Source"))).one()
        eve = (await s.scalars(select(Contact).where(Contact.name == "Eve Nouveau"))).one()
        gina = (await s.scalars(select(Contact).where(Contact.name == "Gina Plain"))).one()
    assert frank.headline == "Data Engineer"
    assert frank.location == "Lyon"
    assert frank.degree == 2
    assert frank.fit_score == 72.5
    assert frank.open_to_work is True
    assert frank.skills == ["Python", "SQL"]
    assert frank.languages == ["French", "English"]
    assert frank.work_history == [{"company": "Acme", "title": "Engineer"}]
    assert frank.company == "Acme"
    assert frank.job_title == "Engineer"
    assert frank.years_experience == 6
    assert frank.about == "Pipelines."
    assert frank.education == [{"school": "INSA Lyon"}]
    assert frank.first_name == "Frank"
    assert frank.status == "visited"
    assert frank.last_visited_at == datetime(2024, 9, 1, 10, 0, tzinfo=UTC)
    # Eve was first met through a failed visit; her scraped profile filled in her headline.
    assert eve.headline == "Recruiter"
    assert eve.last_visited_at == datetime(2024, 8, 2, 11, 0, tzinfo=UTC)
    assert gina.degree == 3
    assert gina.skills == ["Go", "Rust"]
    assert gina.last_visited_at is None  # junk scraped_at


async def test_wishes_and_visits_become_interactions(v1: Path, target: Path, db: Database) -> None:
    await run(v1, target)
    async with db.session() as s:
        rows = (
            await s.execute(select(Interaction, Contact.name).join(Contact).order_by(Interaction.id))
        ).all()
    wishes = [(name, i.occurrence, i.days_late, i.text) for i, name in rows if i.kind == "birthday"]
    assert wishes == [
        ("Alice Martin", date(2024, 3, 5), 0, "Joyeux anniversaire Alice !"),
        ("Bob Durand", date(2024, 4, 13), 0, "Bon anniversaire Bob"),
        ("Zoé Nouvelle", date(2024, 5, 1), 0, "Bon anniversaire Zoé"),
        ("Alice Martin", date(2025, 3, 5), 0, "Joyeux anniversaire Alice !"),
        # To a "Jean Dupont" V1 recorded no contact for: three have the name, none gets it.
        ("Jean Dupont", date(2024, 6, 2), 0, "Happy birthday Jean"),
        ("Bad Url Guy", date(2024, 6, 3), 0, "HBD"),
        ("Jean Dupont", date(2024, 6, 1), 0, "Joyeux anniversaire Jean"),
        ("Chloé Petit", date(2024, 7, 14), 0, "Joyeux anniversaire Chloé"),
    ]
    for interaction, _ in rows:
        assert interaction.source == "v1"
    first = rows[0][0]
    assert first.state == "sent"
    assert first.sent_at == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    # An offset-less V1 time is UTC.
    assert rows[2][0].sent_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    visits = [(name, i.state, i.error, i.sent_at) for i, name in rows if i.kind == "visit"]
    assert visits == [
        ("Alice Martin", "sent", None, datetime(2024, 8, 1, 10, 0, tzinfo=UTC)),
        ("Eve Nouveau", "failed", "timeout", None),
        ("X", "sent", None, datetime(2024, 8, 3, 10, 0, tzinfo=UTC)),
        ("Bob Durand", "sent", None, datetime(2024, 8, 5, 10, 0, tzinfo=UTC)),
    ]


async def test_late_wish_counts_back_to_its_birthday(tmp_path: Path, target: Path, db: Database) -> None:
    path = create_v1_database(tmp_path / "late.db", quirks=False)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO birthday_messages (contact_id, contact_name, message_text, sent_at, is_late, days_late)"
            " VALUES (NULL, 'Late Larry', 'Belated!', '2024-02-03T09:00:00+00:00', 1, 3)"
        )
        # A bare date: its local date is itself, in any zone.
        conn.execute(
            "INSERT INTO birthday_messages (contact_id, contact_name, message_text, sent_at)"
            " VALUES (NULL, 'Date Only', 'HB', '2024-02-10')"
        )
        conn.execute(
            "INSERT INTO birthday_messages (contact_id, contact_name, message_text, sent_at, days_late)"
            " VALUES (NULL, 'Way Late', 'HB', '2024-02-11T12:00:00+00:00', 9999)"
        )
    report = await run(path, target, zone=ZoneInfo("America/Los_Angeles"))
    assert report.tables["birthday_messages"].imported == 3
    assert report.tables["birthday_messages"].notes["days_late not understood, taken as 0"] == 1
    assert report.warnings == []
    async with db.session() as s:
        got = {(i.occurrence, i.days_late) for i in (await s.scalars(select(Interaction))).all()}
    # Los Angeles: 09:00 UTC on 3 February is still the 3rd there, minus 3 days late.
    assert got == {(date(2024, 1, 31), 3), (date(2024, 2, 10), 0), (date(2024, 2, 11), 0)}


async def test_importing_twice_adds_nothing(v1: Path, target: Path) -> None:
    first = await run(v1, target)
    after_first = table_counts(target)
    again = await run(v1, target)
    assert table_counts(target) == after_first
    assert_adds_up(again)
    assert sum(again.added.values()) == 0
    for name, table in again.tables.items():
        before = first.tables[name]
        assert table.imported == 0, name
        # Every row imported or merged the first time is recognised; skips are reported again.
        assert table.merged == {"already imported": before.imported + before.merged.total()}, name
        assert table.skipped == before.skipped, name


async def test_a_copy_of_the_file_is_recognised(v1: Path, target: Path, tmp_path: Path) -> None:
    await run(v1, target)
    before = table_counts(target)
    copy = tmp_path / "elsewhere" / "renamed.db"
    copy.parent.mkdir()
    shutil.copyfile(v1, copy)
    report = await run(copy, target)
    assert table_counts(target) == before
    assert report.tables["contacts"].merged["already imported"] == 9


async def test_dry_run_writes_nothing_and_reports_the_same(v1: Path, target: Path) -> None:
    before = files_state(target)
    rehearsal = await run(v1, target, dry_run=True)
    assert files_state(target) == before
    assert not (target.parent / "backups").exists()
    assert rehearsal.dry_run
    assert rehearsal.backup is None
    real = await run(v1, target)
    assert {n: t.to_dict() for n, t in rehearsal.tables.items()} == {
        n: t.to_dict() for n, t in real.tables.items()
    }
    assert rehearsal.added == real.added


async def test_dry_run_without_a_database_creates_none(v1: Path, tmp_path: Path) -> None:
    absent = tmp_path / "fresh" / "linkpilot.db"
    report = await run(v1, absent, dry_run=True)
    assert report.added["contacts"] == EXPECTED_ADDED["contacts"]
    assert not absent.parent.exists()


@pytest.mark.parametrize("wal", [True, False])
async def test_the_v1_file_is_never_touched(tmp_path: Path, target: Path, wal: bool) -> None:
    path = create_v1_database(tmp_path / "linkedin.db", wal=wal)
    before = files_state(path)
    assert list(before) == ["linkedin.db"]
    report = await run(path, target)
    await run(path, target, dry_run=True)
    assert files_state(path) == before  # no -wal, -shm or -journal appeared either
    assert report.copied is wal
    assert report.tables["contacts"].read == EXPECTED["contacts"]["read"]


async def test_wal_companions_are_read_from_a_copy(tmp_path: Path, target: Path) -> None:
    path = create_v1_with_companions(tmp_path / "linkedin.db")
    before = files_state(path)
    assert set(before) == {"linkedin.db", "linkedin.db-wal", "linkedin.db-shm"}
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as conn:
        # Without its -wal the main file alone holds no rows: they all live in the WAL.
        assert conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
    report = await run(path, target)
    assert report.copied
    assert {n: t.read for n, t in report.tables.items()} == {n: e["read"] for n, e in EXPECTED.items()}
    assert files_state(path) == before


async def test_a_hot_journal_is_rolled_back_in_the_copy(tmp_path: Path, target: Path, db: Database) -> None:
    path = create_v1_with_hot_journal(tmp_path / "linkedin.db")
    before = files_state(path)
    assert set(before) == {"linkedin.db", "linkedin.db-journal"}
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as conn:
        # Without its journal the file shows the half-done write: no contacts left at all.
        assert conn.execute("SELECT COUNT(*) FROM contacts").fetchone()[0] == 0
    report = await run(path, target)
    assert report.copied
    assert files_state(path) == before
    assert {n: t.read for n, t in report.tables.items()} == {n: e["read"] for n, e in EXPECTED.items()}
    async with db.session() as s:
        texts = (await s.scalars(select(Interaction.text).where(Interaction.kind == "birthday"))).all()
    assert texts
    assert not [t for t in texts if t and "uncommitted" in t]


async def test_a_running_v1_bot_keeps_its_file(tmp_path: Path, target: Path) -> None:
    path = create_v1_database(tmp_path / "linkedin.db")
    bot = sqlite3.connect(path)
    try:
        bot.execute("PRAGMA journal_mode=WAL")
        bot.execute(
            "INSERT INTO birthday_messages (contact_id, contact_name, message_text, sent_at)"
            " VALUES (NULL, 'Fresh Face', 'HB', '2026-11-25T10:00:00+00:00')"
        )
        bot.commit()
        before = files_state(path)
        assert "linkedin.db-wal" in before
        report = await run(path, target)
        assert files_state(path) == before
        assert report.tables["birthday_messages"].read == EXPECTED["birthday_messages"]["read"] + 1
        assert bot.execute("SELECT COUNT(*) FROM birthday_messages").fetchone()[0] == 13
    finally:
        bot.close()


async def test_merges_with_what_linkpilot_already_holds(v1: Path, target: Path, db: Database) -> None:
    async with db.transaction() as s:
        alice = Contact(
            name="Alice M.", profile_url="https://www.linkedin.com/in/alice-martin/", notes="mine"
        )
        s.add(alice)
        await s.flush()
        s.add(
            Interaction(
                contact_id=alice.id,
                kind="birthday",
                state="sent",
                occurrence=date(2024, 3, 5),
                text="sent by LP",
            )
        )
        s.add(BlacklistEntry(name="Nameonly Person"))
    report = await run(v1, target)
    assert_adds_up(report)
    assert report.tables["contacts"].imported == EXPECTED["contacts"]["imported"] - 1
    assert report.tables["birthday_messages"].merged["duplicate wish for the same person and birthday"] == 3
    assert report.tables["blacklist"].merged["already blacklisted"] == 2
    async with db.session() as s:
        kept = (await s.scalars(select(Contact).where(Contact.id == alice.id))).one()
        texts = (await s.scalars(select(Interaction.text).where(Interaction.contact_id == alice.id))).all()
    assert kept.name == "Alice M."
    assert kept.notes == "mine"  # merging fills blanks, never overwrites
    assert sorted(t or "" for t in texts) == ["", "Joyeux anniversaire Alice !", "sent by LP"]


async def test_a_url_row_never_lands_on_a_namesake_without_url(
    tmp_path: Path, target: Path, db: Database
) -> None:
    async with db.transaction() as s:
        s.add(Contact(name="Bob Durand"))
    path = create_v1_database(tmp_path / "v1.db", quirks=False)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO contacts (name, linkedin_url, created_at, updated_at) VALUES"
            " ('Bob Durand', 'https://linkedin.com/in/bob-d?x=1', '2024-01-01', '2024-01-01')"
        )
    report = await run(path, target)
    assert (report.tables["contacts"].imported, report.tables["contacts"].merged) == (1, {})
    async with db.session() as s:
        bobs = (await s.scalars(select(Contact).order_by(Contact.id))).all()
    assert [(b.name, b.profile_url) for b in bobs] == [
        ("Bob Durand", None),
        ("Bob Durand", "https://www.linkedin.com/in/bob-d/"),
    ]


async def test_a_wish_without_its_contact_goes_to_the_only_namesake_or_to_one_of_its_own(
    tmp_path: Path, target: Path, db: Database
) -> None:
    path = create_v1_database(tmp_path / "v1.db", quirks=False)
    with sqlite3.connect(path) as conn:
        contact = (
            "INSERT INTO contacts (id, name, linkedin_url, created_at, updated_at) VALUES (?, ?, ?, 'x', 'x')"
        )
        conn.execute(contact, (1, "Ana Solo", "https://www.linkedin.com/in/ana-solo/"))
        conn.execute(contact, (2, "Tom Twin", "https://www.linkedin.com/in/tom-twin-1/"))
        conn.execute(contact, (3, "Tom Twin", "https://www.linkedin.com/in/tom-twin-2/"))
        wish = "INSERT INTO birthday_messages (contact_id, contact_name, message_text, sent_at) VALUES (?, ?, ?, ?)"
        conn.execute(wish, (None, "ana SOLO", "HB Ana", "2024-05-01T10:00:00+00:00"))
        conn.execute(wish, (None, "Tom Twin", "HB Tom", "2024-06-01T10:00:00+00:00"))
        conn.execute(wish, (77, "Tom Twin", "HB Tom again", "2025-06-01T10:00:00+00:00"))
    report = await run(path, target)
    wishes = report.tables["birthday_messages"]
    assert (wishes.read, wishes.imported, wishes.merged.total(), wishes.skipped.total()) == (3, 3, 0, 0)
    async with db.session() as s:
        rows = (
            await s.execute(
                select(Interaction.text, Contact.name, Contact.profile_url)
                .join(Contact)
                .order_by(Interaction.id)
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("HB Ana", "Ana Solo", "https://www.linkedin.com/in/ana-solo/"),
        # Two Toms have a URL: neither gets a wish that may be the other's.
        ("HB Tom", "Tom Twin", None),
        ("HB Tom again", "Tom Twin", None),
    ]
    async with db.session() as s:
        toms = (await s.scalars(select(Contact).where(Contact.profile_url.is_(None)))).all()
    assert len(toms) == 2  # each unplaced wish has a contact of its own


async def test_a_forgotten_contact_is_not_brought_back(v1: Path, target: Path, db: Database) -> None:
    await run(v1, target)
    async with db.transaction() as s:
        zoe = (await s.scalars(select(Contact).where(Contact.name == "Alice Martin"))).one()
        await s.delete(zoe)
    before = table_counts(target)
    report = await run(v1, target)
    assert table_counts(target) == before
    assert report.tables["contacts"].merged["already imported"] == 9


async def test_one_transaction_all_or_nothing(v1: Path, target: Path) -> None:
    with sqlite3.connect(target) as conn:
        # A real failure half-way: contacts go in first, then the first wish is refused.
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON interactions BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
        )
    before = table_counts(target)
    with pytest.raises(StorageError, match="disk says no"):
        await run(v1, target)
    assert table_counts(target) == before
    backups = target.parent / "backups"
    assert list(backups.iterdir()) == []


async def test_older_v1_versions_import_what_they_have(tmp_path: Path, target: Path) -> None:
    path = create_v1_database(tmp_path / "v2.db", version=2, omit_tables=("blacklist", "profile_visits"))
    report = await run(path, target)
    assert report.schema_version == 2
    assert report.warnings == [
        "V1 schema version 2 (expected 4): an older V1; missing columns are read as empty"
    ]
    assert report.missing_tables == ("profile_visits", "blacklist")
    assert "connection_degree" in report.missing_columns["scraped_profiles"]
    assert set(report.tables) == {"contacts", "birthday_messages", "scraped_profiles"}
    assert_adds_up(report)
    assert report.tables["contacts"].imported == EXPECTED["contacts"]["imported"]


async def test_an_unknown_table_is_reported(tmp_path: Path, target: Path) -> None:
    path = create_v1_database(tmp_path / "v1.db", quirks=False)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE my_notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO my_notes (body) VALUES ('x')")
        conn.execute("DROP TABLE schema_version")
    report = await run(path, target)
    assert report.not_imported["my_notes"] == (1, "unknown table: not a V1 table this importer knows")
    assert report.schema_version is None
    assert len(report.warnings) == 1
    assert "no schema version" in report.warnings[0]


def test_bad_files_are_refused_with_one_line(tmp_path: Path, v1: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello, I am not a database\n" * 20)
    no_contacts = create_v1_database(tmp_path / "nocontacts.db", quirks=False, omit_tables=("contacts",))
    newer = create_v1_database(tmp_path / "v5.db", quirks=False)
    with sqlite3.connect(newer) as conn:
        conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (5, 'now')")
    no_sent_at = tmp_path / "nosent.db"
    with sqlite3.connect(no_sent_at) as conn:
        conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("CREATE TABLE birthday_messages (id INTEGER PRIMARY KEY, contact_name TEXT)")
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    odd_version = create_v1_database(tmp_path / "odd.db", quirks=False)
    with sqlite3.connect(odd_version) as conn:
        conn.execute("INSERT INTO schema_version (version, applied_at) VALUES ('four-ish', 'now')")
    cases = {
        fifo: "V1 database path is not a regular file",
        odd_version: "V1 schema version 'four-ish' is not a number",
        tmp_path / "missing.db": "V1 database not found",
        tmp_path: "is a directory",
        text: "not a SQLite database",
        truncate_copy(v1, tmp_path / "half.db"): "V1 database is damaged",
        no_contacts: "no contacts table",
        newer: "V1 schema version 5 is newer than this importer knows (4)",
        no_sent_at: "V1 table birthday_messages has no sent_at column",
    }
    for path, message in cases.items():
        with pytest.raises(BadInput, match=re.escape(message)) as caught:
            read_v1(path)
        assert "\n" not in caught.value.message
        assert str(path) in caught.value.message


def test_the_fixture_has_v1s_own_duplicate_guard(v1: Path) -> None:
    """The factory's schema is V1's: idx_no_dup_msg refuses the same text to the same contact on one
    UTC day, but lets through what the importer must dedupe (NULL contact_id, another text)."""
    with sqlite3.connect(v1) as conn:
        version = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
        assert version == 4
        insert = "INSERT INTO birthday_messages (contact_id, contact_name, message_text, sent_at) VALUES (?, ?, ?, ?)"
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                insert, (1, "Alice Martin", "Joyeux anniversaire Alice !", "2024-03-05T20:00:00+00:00")
            )
        conn.execute(insert, (None, "Bob Durand", "Bon anniversaire Bob", "2024-04-12T23:30:00+00:00"))
        conn.rollback()
