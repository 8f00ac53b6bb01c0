"""What differs on PostgreSQL: URLs, errors, time zones, the table lock, backups and the V1 import.

Everything else in the storage and ledger suites already runs on both backends through their
`db` fixtures; these tests are about the seams between the two.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import StatementError

from linkpilot.common.errors import BadInput, ConfigError, StorageError
from linkpilot.storage import locking
from linkpilot.storage.backup import backup_sqlite
from linkpilot.storage.contacts import upsert_contact
from linkpilot.storage.database import Database, async_url, connect_args, is_sqlite, sync_url
from linkpilot.storage.locking import locked_transaction
from linkpilot.storage.migrate import head_revision, upgrade
from linkpilot.storage.models import CampaignRun, Contact, Interaction, QuotaEvent
from linkpilot.storage.v1_import import read_v1, run_import
from linkpilot.storage.v1_import.report import NO_BACKUP_ON_POSTGRESQL
from tests.conftest import CliResult, free_port
from tests.fixtures.v1_factory import EXPECTED_ADDED, create_v1_database
from tests.postgres import PostgresServer, only_on

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
on_postgresql = only_on("postgresql")


# --- URLs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "sync", "asynchronous"),
    [
        ("postgresql://lp:pw@db.lan/linkpilot", "postgresql+psycopg", "postgresql+psycopg"),
        ("postgresql+psycopg://lp@db.lan:5433/lp", "postgresql+psycopg", "postgresql+psycopg"),
        ("postgresql+asyncpg://lp@db.lan/lp", "postgresql+psycopg", "postgresql+psycopg"),
        ("sqlite:////srv/lp.db", "sqlite", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:////srv/lp.db", "sqlite", "sqlite+aiosqlite"),
    ],
)
def test_any_postgresql_url_runs_on_psycopg(url: str, sync: str, asynchronous: str) -> None:
    assert sync_url(url).split("://")[0] == sync
    assert async_url(url).split("://")[0] == asynchronous
    # Everything after the scheme (user, password, host, port, database) is kept as written.
    assert sync_url(url).split("://")[1] == url.split("://")[1]
    assert is_sqlite(url) == url.startswith("sqlite")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("garbage with s3cret", "database URL is not a URL"),
        ("mysql://root:s3cret@db.lan/lp", "unsupported scheme 'mysql'"),
    ],
)
def test_a_bad_url_is_a_setting_error_that_hides_the_password(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        Database(url)
    assert "s3cret" not in str(caught.value)


def test_connect_timeout_defaults_on_postgresql_only() -> None:
    assert connect_args("postgresql://lp@db.lan/lp") == {"connect_timeout": 10}
    assert connect_args("postgresql://lp@db.lan/lp?connect_timeout=3") == {}
    assert connect_args("sqlite+aiosqlite:////srv/lp.db") == {}


# --- errors ------------------------------------------------------------------------------------


async def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    url = f"postgresql://linkpilot:s3cret@127.0.0.1:{free_port()}/linkpilot"
    db = Database(url)
    try:
        with pytest.raises(StorageError, match=r"^database unavailable: connection failed") as caught:
            async with db.transaction() as session:
                await session.execute(text("SELECT 1"))
    finally:
        await db.dispose()
    assert "s3cret" not in str(caught.value)
    with pytest.raises(StorageError, match=r"^database unavailable") as caught:
        upgrade(url)
    assert "s3cret" not in str(caught.value)


async def test_cli_on_an_unreachable_server(
    cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINKPILOT_DATABASE_URL", f"postgresql://lp:s3cret@127.0.0.1:{free_port()}/lp")
    result = cli("db", "upgrade")
    assert result.code == 1
    assert result.err.startswith("linkpilot: error: database unavailable: ")
    assert result.err.count("\n") == 1
    assert "s3cret" not in result.err + result.out


@only_on("postgresql", "database_url")
def test_boxes_starting_together_migrate_once(database_url: str) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(upgrade, [database_url] * 4))
    head = head_revision()
    assert (results.count((None, head)), results.count((head, head))) == (1, 3)


# --- times -------------------------------------------------------------------------------------


async def test_times_come_back_as_the_same_utc_instant_whatever_the_session_zone(db: Database) -> None:
    sent = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night Paris skips an hour
    visited = datetime(2026, 7, 14, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    async with db.transaction() as session:
        contact = Contact(name="Ada", last_visited_at=visited)
        session.add(contact)
        await session.flush()
        session.add(Interaction(contact_id=contact.id, kind="message", state="sent", sent_at=sent))
    async with db.session() as session:
        if db.engine.dialect.name == "postgresql":
            # A server or role configured for another zone must not shift what is read back.
            await session.execute(text("SET TIME ZONE 'Asia/Tokyo'"))
        got_visit = (await session.execute(select(Contact.last_visited_at))).scalar_one()
        got_sent = (await session.execute(select(Interaction.sent_at))).scalar_one()
        # Comparisons in SQL see the same instants.
        before = await session.scalar(
            select(func.count()).where(Interaction.sent_at < datetime(2026, 3, 29, 9, 31, tzinfo=TOKYO))
        )
    assert got_visit == visited
    assert got_sent == sent
    assert got_visit.tzinfo is UTC
    assert got_sent.tzinfo is UTC
    assert before == 1


async def test_naive_times_are_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime refused"):
        async with db.transaction() as session:
            session.add(Contact(name="Ada", last_visited_at=datetime(2026, 1, 1, 12, 0)))


async def test_json_columns_keep_nesting_and_accents(db: Database) -> None:
    plan = [{"contact_id": 1, "why": "anniversaire d'Éloïse", "late": 0, "tags": ["a", "b"]}]
    async with db.transaction() as session:
        session.add(CampaignRun(campaign="birthday", plan=plan, counts={"sent": 1, "by": {"ok": 1}}))
        session.add(Contact(name="Zoë", skills=["Python", "SQL"], work_history=[{"company": "Ünal & Co"}]))
    async with db.session() as session:
        run = (await session.scalars(select(CampaignRun))).one()
        contact = (await session.scalars(select(Contact))).one()
    assert (run.plan, run.counts) == (plan, {"sent": 1, "by": {"ok": 1}})
    assert (contact.skills, contact.work_history) == (["Python", "SQL"], [{"company": "Ünal & Co"}])


async def test_overlong_page_text_is_cut_to_the_column_on_both_backends(db: Database) -> None:
    url = "https://www.linkedin.com/in/long-titles/"
    long_name = "Maximilian " + "Wolfeschlegelsteinhausenbergerdorff" * 8
    async with db.transaction() as session:
        await upsert_contact(session, url, name=long_name, company="C" * 300, job_title="Lead " * 60)
    async with db.transaction() as session:
        await upsert_contact(session, url, location="L" * 250, first_name="F" * 150)
    async with db.session() as session:
        contact = (await session.scalars(select(Contact))).one()
    assert contact.name == long_name[:200]
    assert (contact.company, contact.location, contact.first_name) == ("C" * 200, "L" * 200, "F" * 100)
    assert contact.job_title == ("Lead " * 60)[:200]


# --- the table lock ----------------------------------------------------------------------------


@on_postgresql
async def test_the_table_lock_serialises_writers_and_lets_readers_through(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locking, "LOCK_WAIT_MS", 200)
    events = QuotaEvent.__table__
    held, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with locked_transaction(db, events.name) as conn:
            await conn.execute(insert(events).values(action="message", token="first"))
            held.set()
            await release.wait()

    task = asyncio.create_task(holder())
    await held.wait()
    try:
        # A reader is not kept waiting, and does not see the uncommitted row.
        async with db.session() as session:
            assert await session.scalar(select(func.count()).select_from(events)) == 0
        # A second writer waits LOCK_WAIT_MS, then gets one clear line.
        with pytest.raises(StorageError, match=r"^database is locked by another process; try again"):
            async with locked_transaction(db, events.name) as conn:
                await conn.execute(insert(events).values(action="message", token="second"))
    finally:
        release.set()
        await task
    async with locked_transaction(db, events.name) as conn:
        assert (await conn.execute(select(events.c.token))).scalars().all() == ["first"]


# --- backups and the V1 import -----------------------------------------------------------------


@on_postgresql
async def test_db_backup_points_to_pg_dump(
    db: Database, tmp_path: Path, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(BadInput, match="on PostgreSQL: back it up with pg_dump"):
        backup_sqlite(db.url, tmp_path / "copy.db")
    monkeypatch.setenv("LINKPILOT_DATABASE_URL", db.url)
    result = cli("db", "backup", str(tmp_path / "copy.db"))
    assert result.code == 2
    assert result.err == (
        "linkpilot: error: db backup copies a SQLite file; this database is on PostgreSQL: "
        "back it up with pg_dump\n"
    )
    assert not (tmp_path / "copy.db").exists()
    # The rest of `linkpilot db` works on the server as it does on a file.
    result = cli("db", "upgrade")
    assert (result.code, result.out) == (0, f"database already at revision {head_revision()}\n")


@on_postgresql
async def test_v1_import_into_postgresql(db: Database, tmp_path: Path) -> None:
    snapshot = read_v1(create_v1_database(tmp_path / "linkedin.db"))
    backups = tmp_path / "backups"

    async def counts() -> tuple[int, int]:
        async with db.session() as session:
            contacts = await session.scalar(select(func.count()).select_from(Contact))
            interactions = await session.scalar(select(func.count()).select_from(Interaction))
        return int(contacts or 0), int(interactions or 0)

    async def run(*, dry_run: bool = False):  # type: ignore[no-untyped-def]
        return await run_import(
            snapshot,
            database_url=db.url,
            backups_dir=backups,
            zone=ZoneInfo("Europe/Paris"),
            dry_run=dry_run,
            now=NOW,
        )

    rehearsal = await run(dry_run=True)
    assert {k: rehearsal.added[k] for k in EXPECTED_ADDED} == EXPECTED_ADDED
    assert await counts() == (0, 0)  # rolled back on the server itself

    report = await run()
    assert {k: report.added[k] for k in EXPECTED_ADDED} == EXPECTED_ADDED
    assert report.backup is None
    assert f"backup of the database before import: {NO_BACKUP_ON_POSTGRESQL}" in report.lines()
    assert not backups.exists()
    assert await counts() == (EXPECTED_ADDED["contacts"], EXPECTED_ADDED["interactions"])

    again = await run()
    assert sum(again.added.values()) == 0
    assert await counts() == (EXPECTED_ADDED["contacts"], EXPECTED_ADDED["interactions"])


# --- the server the tests run on ---------------------------------------------------------------


def test_each_test_database_is_its_own(postgres_server: PostgresServer) -> None:
    first, second = postgres_server.create_database(), postgres_server.create_database()
    try:
        with postgres_server.admin() as conn:
            names = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
        assert {first, second} <= names
        assert first != second
    finally:
        postgres_server.drop_database(first)
        postgres_server.drop_database(second)
    with postgres_server.admin() as conn:
        names = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
    assert not {first, second} & names
