"""The V1 import loses nothing, on generated V1 files full of namesakes, URL spellings and junk.

For any file: every table's report adds up to the rows it holds (read = imported + merged +
skipped, also in `--json`); a contact row is skipped only when it has neither a name nor a
usable URL; it is merged only into the contact with its own normalised profile URL; a row
without a URL is a person of its own; a wish whose V1 contact is unknown lands on a contact of
its name; and a second import adds nothing.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import tempfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkpilot.common.text import fold
from linkpilot.storage.migrate import upgrade
from linkpilot.storage.v1_import import ImportReport, read_v1, run_import
from linkpilot.storage.v1_import import mapping as m
from tests.fixtures.v1_factory import create_schema

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")
TABLES = ("contacts", "birthday_messages", "profile_visits", "scraped_profiles", "blacklist")

# Few values, so that namesakes, one URL in several spellings and duplicate wishes are common.
NAMES = ["Ana Lima", "ana  LIMA", "Bob Durand", "Chloé Petit", "Chloe Petit", "Dan", "", "   "]
SLUGS = ["ana-lima", "bob-d", "chloe-p", "dan-x"]
URL_FORMS = [
    "https://www.linkedin.com/in/{}/",
    "https://linkedin.com/in/{}?trk=abc",
    "linkedin.com/in/{}",
    "HTTPS://WWW.LINKEDIN.COM/IN/{}#top",
]
BAD_URLS = ["not a url", "https://example.com/in/x", "https://www.linkedin.com/company/acme/"]
TIMES = [
    "2024-03-05T08:30:00+00:00",
    "2024-03-06T07:00:00",
    "2024-04-12T23:30:00+00:00",
    "2025-01-01",
    "junk",
]
TEXTS = ["Happy birthday!", "Joyeux anniversaire", "HB"]

urls = st.one_of(
    st.none(),
    st.builds(lambda form, slug: form.format(slug), st.sampled_from(URL_FORMS), st.sampled_from(SLUGS)),
    st.sampled_from(BAD_URLS),
)
names = st.sampled_from(NAMES)
times = st.sampled_from(TIMES)


@st.composite
def v1_rows(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    contacts = draw(
        st.lists(
            st.fixed_dictionaries({"name": names, "linkedin_url": urls, "created_at": times}), max_size=12
        )
    )
    ids = list(range(1, len(contacts) + 1))
    contact_ids = st.one_of(st.none(), st.sampled_from(ids or [1]), st.just(999))
    wishes = st.fixed_dictionaries(
        {
            "contact_id": contact_ids,
            "contact_name": names,
            "message_text": st.sampled_from(TEXTS),
            "sent_at": times,
            "days_late": st.sampled_from([0, 1, 3, None, "x"]),
        }
    )
    visits = st.fixed_dictionaries(
        {"profile_name": names, "profile_url": urls, "visited_at": times, "success": st.sampled_from([0, 1])}
    )
    scraped = st.fixed_dictionaries(
        {"profile_url": urls.filter(lambda u: u is not None), "full_name": names, "scraped_at": times}
    )
    blacklist = st.fixed_dictionaries(
        {
            "contact_name": names,
            "linkedin_url": urls,
            "added_at": times,
            "is_active": st.sampled_from([0, 1]),
        }
    )
    return {
        "contacts": [{"id": i, "updated_at": "x", **row} for i, row in zip(ids, contacts, strict=True)],
        "birthday_messages": draw(st.lists(wishes, max_size=12)),
        "profile_visits": draw(st.lists(visits, max_size=6)),
        "scraped_profiles": draw(st.lists(scraped, max_size=4)),
        "blacklist": draw(st.lists(blacklist, max_size=4)),
    }


def write_v1(path: Path, tables: dict[str, list[dict[str, Any]]]) -> None:
    conn = sqlite3.connect(path)
    try:
        create_schema(conn)
        for table, rows in tables.items():
            for row in rows:
                cols = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                # V1's own unique indexes (URLs, one wish per contact, day and text) refuse some
                # generated rows, as they refused them in V1: those rows never existed.
                conn.execute(f"INSERT OR IGNORE INTO {table} ({cols}) VALUES ({marks})", tuple(row.values()))
        conn.commit()
    finally:
        conn.close()


def records(target: Path) -> dict[tuple[str, str], int | None]:
    with sqlite3.connect(target) as conn:
        return {
            (t, k): i
            for t, k, i in conn.execute("SELECT source_table, source_key, target_id FROM import_records")
        }


def query(target: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(target) as conn:
        return conn.execute(sql).fetchall()


def assert_adds_up(report: ImportReport, held: dict[str, int]) -> None:
    for table in TABLES:
        t = report.tables[table]
        assert t.read == held[table], table
        assert t.read == t.imported + t.merged.total() + t.skipped.total(), table
        data = report.to_dict()["tables"][table]
        assert data["read"] == data["imported"] + data["merged"] + data["skipped"], table
        assert data["merged"] == sum(data["merged_reasons"].values()), table
        assert data["skipped"] == sum(data["skipped_reasons"].values()), table


def assert_contacts_lost_nothing(
    v1_rows: list[dict[str, Any]], done: dict[tuple[str, str], int | None], target: Path
) -> None:
    urls_of = {cid: url for cid, url in query(target, "SELECT id, profile_url FROM contacts")}
    by_url: dict[str, set[int | None]] = defaultdict(set)
    without_url: list[int | None] = []
    landed: list[int | None] = []
    for row in v1_rows:
        url, _ = m.profile_url(row["linkedin_url"])
        key = ("v1.contacts", m.row_key("contacts", row))
        if url is None and m.text(row["name"]) is None:
            assert key not in done  # nothing in it to keep
            continue
        assert key in done, row  # never skipped, whatever its name
        contact = done[key]
        landed.append(contact)
        if url is not None:
            assert urls_of[contact] == url, row  # merged only into its own URL's contact
            by_url[url].add(contact)
        else:
            without_url.append(contact)
    assert all(len(targets) == 1 for targets in by_url.values())
    # A row without a URL is a person of its own: no other contact row landed on its contact.
    for contact in without_url:
        assert landed.count(contact) == 1


def assert_unplaced_wishes_found_their_name(
    wishes: list[dict[str, Any]],
    contacts: list[dict[str, Any]],
    done: dict[tuple[str, str], int | None],
    target: Path,
) -> None:
    placed = {row["id"] for row in contacts if ("v1.contacts", m.row_key("contacts", row)) in done}
    owner = {
        iid: name
        for iid, name in query(
            target, "SELECT i.id, c.name FROM interactions i JOIN contacts c ON c.id = i.contact_id"
        )
    }
    for row in wishes:
        key = ("v1.birthday_messages", m.row_key("birthday_messages", row))
        if key not in done or row["contact_id"] in placed:
            continue
        assert fold(owner[done[key]]) == fold(row["contact_name"]), row


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Migrating takes a while on a loaded machine: once, then copied for each example.
    path = tmp_path_factory.mktemp("v1-target") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


# About two seconds an example on the shared machine; a failure's shrinking takes minutes.
@pytest.mark.slow
@pytest.mark.timeout(600)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=v1_rows())
def test_the_import_accounts_for_every_row_and_merges_only_the_same_person(
    template: Path, tables: dict[str, list[dict[str, Any]]]
) -> None:
    with tempfile.TemporaryDirectory(prefix="lp-v1-") as tmp:
        folder = Path(tmp)
        v1_path = folder / "linkedin.db"
        write_v1(v1_path, tables)
        target = folder / "linkpilot.db"
        shutil.copyfile(template, target)
        snapshot = read_v1(v1_path)
        held = {table: len(snapshot.rows[table]) for table in TABLES}

        report = asyncio.run(_import(snapshot, target))

        assert_adds_up(report, held)
        done = records(target)
        assert_contacts_lost_nothing(snapshot.rows["contacts"], done, target)
        assert_unplaced_wishes_found_their_name(
            snapshot.rows["birthday_messages"], snapshot.rows["contacts"], done, target
        )
        assert report.added["contacts"] == query(target, "SELECT count(*) FROM contacts")[0][0]

        again = asyncio.run(_import(read_v1(v1_path), target))
        assert_adds_up(again, held)
        assert sum(again.added.values()) == 0
        for table in TABLES:
            first, second = report.tables[table], again.tables[table]
            recognised = first.imported + first.merged.total()
            assert second.merged["already imported"] == second.merged.total() == recognised, table


async def _import(snapshot: Any, target: Path) -> ImportReport:
    return await run_import(
        snapshot,
        database_url=f"sqlite+aiosqlite:///{target}",
        backups_dir=target.parent / "backups",
        zone=PARIS,
        now=NOW,
    )
