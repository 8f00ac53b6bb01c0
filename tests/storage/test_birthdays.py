"""The birthday look-up against a real, migrated database (the `db` fixture of tests/storage: SQLite, then PostgreSQL)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Executable, delete, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

from linkpilot.common.errors import StorageError
from linkpilot.storage.birthdays import (
    MAX_LATE_DAYS,
    BirthdayDue,
    already_wished_statement,
    birthdays_due,
    birthdays_due_statement,
    celebrated_on,
    occurrences_already_wished,
    window_occurrences,
)
from linkpilot.storage.database import Database
from linkpilot.storage.models import Contact, Interaction, InteractionKind, InteractionState

Birthday = tuple[int | None, int | None]


async def add_contacts(db: Database, *birthdays: Birthday, degree: int | None = 1) -> list[int]:
    async with db.transaction() as session:
        contacts = [
            Contact(name=f"Person {n}", birthday_month=month, birthday_day=day, degree=degree)
            for n, (month, day) in enumerate(birthdays)
        ]
        session.add_all(contacts)
        await session.flush()
        return [contact.id for contact in contacts]


async def due(
    db: Database, today: date, *, late_days: int = 10, first_degree_only: bool = False
) -> list[BirthdayDue]:
    async with db.session() as session:
        result = await birthdays_due(session, today, late_days=late_days, first_degree_only=first_degree_only)
    listed = list(result)
    assert len(result) == len(listed)  # the SQL count agrees with the ids
    return listed


def on_postgresql(db: Database) -> bool:
    return db.engine.dialect.name == "postgresql"


async def postgresql_plan(db: Database, stmt: Executable) -> str:
    """PostgreSQL's plan for `stmt`, with sequential scans priced out: a test table is small
    enough to scan, so this asks whether an index *can* answer, which a date function over a
    column would rule out."""
    sql = str(stmt.compile(dialect=PGDialect_psycopg(), compile_kwargs={"literal_binds": True}))  # type: ignore[no-untyped-call]
    async with db.transaction() as session:
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        return "\n".join(str(row[0]) for row in await session.execute(text(f"EXPLAIN {sql}")))


# --- the window -------------------------------------------------------------------------------


async def test_today_is_due_with_no_delay(db: Database) -> None:
    [born_today, born_tomorrow] = await add_contacts(db, (6, 15), (6, 16))
    assert await due(db, date(2026, 6, 15)) == [BirthdayDue(born_today, date(2026, 6, 15), 0)]
    assert born_tomorrow not in {d.contact_id for d in await due(db, date(2026, 6, 15))}


async def test_window_edges_day_ten_is_in_day_eleven_is_out(db: Database) -> None:
    ten, eleven, nine = await add_contacts(db, (6, 5), (6, 4), (6, 6))
    result = await due(db, date(2026, 6, 15))
    assert result == [
        BirthdayDue(nine, date(2026, 6, 6), 9),
        BirthdayDue(ten, date(2026, 6, 5), 10),
    ]
    assert eleven not in {d.contact_id for d in result}


async def test_the_window_length_is_configurable(db: Database) -> None:
    [three_late] = await add_contacts(db, (6, 12))
    assert await due(db, date(2026, 6, 15), late_days=2) == []
    assert await due(db, date(2026, 6, 15), late_days=3) == [BirthdayDue(three_late, date(2026, 6, 12), 3)]
    assert await due(db, date(2026, 6, 12), late_days=0) == [BirthdayDue(three_late, date(2026, 6, 12), 0)]


async def test_year_boundary_reaches_back_into_december(db: Database) -> None:
    dec23, dec24, dec31, jan1, jan3, jan4 = await add_contacts(
        db, (12, 23), (12, 24), (12, 31), (1, 1), (1, 3), (1, 4)
    )
    assert await due(db, date(2026, 1, 3)) == [
        BirthdayDue(jan3, date(2026, 1, 3), 0),
        BirthdayDue(jan1, date(2026, 1, 1), 2),
        BirthdayDue(dec31, date(2025, 12, 31), 3),
        BirthdayDue(dec24, date(2025, 12, 24), 10),
    ]
    assert {dec23, jan4}.isdisjoint(d.contact_id for d in await due(db, date(2026, 1, 3)))


async def test_29_february_in_a_non_leap_year_is_celebrated_on_the_28th(db: Database) -> None:
    leapling, feb28 = await add_contacts(db, (2, 29), (2, 28))
    assert await due(db, date(2027, 2, 27)) == []
    assert await due(db, date(2027, 2, 28)) == [
        BirthdayDue(leapling, date(2027, 2, 28), 0),
        BirthdayDue(feb28, date(2027, 2, 28), 0),
    ]
    assert await due(db, date(2027, 3, 1)) == [
        BirthdayDue(leapling, date(2027, 2, 28), 1),
        BirthdayDue(feb28, date(2027, 2, 28), 1),
    ]
    assert [d.days_late for d in await due(db, date(2027, 3, 10))] == [10, 10]
    assert await due(db, date(2027, 3, 11)) == []


async def test_29_february_in_a_leap_year_is_celebrated_on_the_29th(db: Database) -> None:
    leapling, feb28 = await add_contacts(db, (2, 29), (2, 28))
    assert await due(db, date(2028, 2, 28)) == [BirthdayDue(feb28, date(2028, 2, 28), 0)]
    assert await due(db, date(2028, 2, 29)) == [
        BirthdayDue(leapling, date(2028, 2, 29), 0),
        BirthdayDue(feb28, date(2028, 2, 28), 1),
    ]
    assert await due(db, date(2028, 3, 1)) == [
        BirthdayDue(leapling, date(2028, 2, 29), 1),
        BirthdayDue(feb28, date(2028, 2, 28), 2),
    ]
    assert [d.days_late for d in await due(db, date(2028, 3, 10))] == [10]


async def test_no_birthday_and_impossible_days_are_never_due(db: Database) -> None:
    [apr30] = await add_contacts(db, (4, 30))
    await add_contacts(db, (None, None), (4, 31), (2, 30))
    assert await due(db, date(2026, 5, 2)) == [BirthdayDue(apr30, date(2026, 4, 30), 2)]
    assert await due(db, date(2026, 3, 5)) == []


async def test_first_degree_filter(db: Database) -> None:
    [first] = await add_contacts(db, (6, 15), degree=1)
    [second] = await add_contacts(db, (6, 15), degree=2)
    [unknown] = await add_contacts(db, (6, 15), degree=None)
    today = date(2026, 6, 15)
    assert [d.contact_id for d in await due(db, today)] == [first, second, unknown]
    assert [d.contact_id for d in await due(db, today, first_degree_only=True)] == [first]


async def test_result_groups_by_day_today_first(db: Database) -> None:
    ids = await add_contacts(db, (6, 10), (6, 15), (6, 10), (6, 14), (6, 15))
    async with db.session() as session:
        result = await birthdays_due(session, date(2026, 6, 15))
    assert [(day.occurrence, day.days_late, day.count, day.contact_ids) for day in result.days] == [
        (date(2026, 6, 15), 0, 2, (ids[1], ids[4])),
        (date(2026, 6, 14), 1, 1, (ids[3],)),
        (date(2026, 6, 10), 5, 2, (ids[0], ids[2])),
    ]
    assert len(result) == 5
    assert result.contact_ids() == [ids[1], ids[4], ids[3], ids[0], ids[2]]
    assert repr(result.days[0]) == "DueDay(2026-06-15, days_late=0, count=2)"


async def test_a_day_holding_28_and_29_february_lists_ids_in_order(db: Database) -> None:
    first, second = await add_contacts(db, (2, 29), (2, 28))
    third, fourth = await add_contacts(db, (2, 28), (2, 29))
    async with db.session() as session:
        [day] = (await birthdays_due(session, date(2027, 3, 2))).days
    assert (day.occurrence, day.days_late, day.count) == (date(2027, 2, 28), 2, 4)
    assert day.contact_ids == (first, second, third, fourth)
    assert day.contact_ids is day.contact_ids  # parsed once


async def test_contacts_added_in_the_same_session_are_looked_up(db: Database) -> None:
    [saved] = await add_contacts(db, (6, 15))
    async with db.transaction() as session:
        pending = Contact(name="Not flushed yet", birthday_month=6, birthday_day=14, degree=1)
        session.add(pending)
        result = list(await birthdays_due(session, date(2026, 6, 15)))
        assert [(d.contact_id, d.days_late) for d in result] == [(saved, 0), (pending.id, 1)]


async def test_a_database_error_is_reported_like_any_other(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(text("ALTER TABLE contacts RENAME TO contacts_elsewhere"))
    with pytest.raises(StorageError, match="contacts"):
        async with db.transaction() as session:
            await birthdays_due(session, date(2026, 6, 15))


@pytest.mark.parametrize("late_days", [-1, MAX_LATE_DAYS + 1])
async def test_window_outside_the_allowed_range_is_refused(db: Database, late_days: int) -> None:
    with pytest.raises(ValueError, match="late_days"):
        await due(db, date(2026, 6, 15), late_days=late_days)


async def test_longest_window_spans_three_months(db: Database) -> None:
    jan30, feb15, mar1, jan29 = await add_contacts(db, (1, 30), (2, 15), (3, 1), (1, 29))
    result = await due(db, date(2026, 3, 31), late_days=MAX_LATE_DAYS)
    assert [(d.contact_id, d.days_late) for d in result] == [(mar1, 30), (feb15, 44), (jan30, 60)]
    assert jan29 not in {d.contact_id for d in result}


def test_celebrated_on() -> None:
    assert celebrated_on(2, 29, 2027) == date(2027, 2, 28)
    assert celebrated_on(2, 29, 2028) == date(2028, 2, 29)
    assert celebrated_on(4, 31, 2026) is None
    assert celebrated_on(12, 31, 2026) == date(2026, 12, 31)


def test_window_occurrences_holds_29_february_only_with_the_28th() -> None:
    assert window_occurrences(date(2027, 3, 1), 1) == {
        (3, 1): date(2027, 3, 1),
        (2, 28): date(2027, 2, 28),
        (2, 29): date(2027, 2, 28),
    }
    assert window_occurrences(date(2028, 3, 1), 1) == {(3, 1): date(2028, 3, 1), (2, 29): date(2028, 2, 29)}


# --- the query plan ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "late_days", "first_degree_only", "arms"),
    [
        (date(2026, 6, 15), 10, False, 11),
        (date(2026, 1, 3), 10, False, 11),
        (date(2027, 3, 5), 10, True, 12),
        (date(2026, 6, 15), 0, False, 1),
        (date(2026, 3, 31), MAX_LATE_DAYS, True, 62),
    ],
)
async def test_query_plan_searches_the_birthday_index(
    db: Database, today: date, late_days: int, first_degree_only: bool, arms: int
) -> None:
    """One equality search of the birthday index per (month, day) of the window, with or
    without the degree filter answered from the index alone, and nothing sorted."""
    await add_contacts(db, *[(m, d) for m in range(1, 13) for d in range(1, 29)])
    stmt = birthdays_due_statement(today, late_days, first_degree_only=first_degree_only)
    if on_postgresql(db):
        plan_text = await postgresql_plan(db, stmt)
        assert plan_text.count("ix_contacts_birthday") == arms, plan_text
        assert "Seq Scan" not in plan_text, plan_text
        return
    sql = str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    async with db.session() as session:
        plan = [row[3] for row in await session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
    searches = [line for line in plan if "contacts" in line]
    assert len(searches) == arms, plan
    equalities = "birthday_month=? AND birthday_day=?" + (" AND degree=?" if first_degree_only else "")
    for line in searches:
        assert line == f"SEARCH contacts USING COVERING INDEX ix_contacts_birthday ({equalities})", plan
    assert not any("TEMP B-TREE" in line for line in plan), plan
    assert "strftime" not in sql.lower()
    assert "date(" not in sql.lower()


def test_the_statement_renders_for_postgresql_too() -> None:
    stmt = birthdays_due_statement(date(2026, 1, 3), 10)
    pg = str(stmt.compile(dialect=PGDialect_psycopg()))  # type: ignore[no-untyped-call]
    assert "string_agg(CAST(contacts.id AS VARCHAR), ',')" in pg
    assert pg.count("UNION ALL") == 10
    lite = str(stmt.compile(dialect=sqlite.dialect()))
    assert "group_concat(contacts.id)" in lite


# --- already wished ---------------------------------------------------------------------------


async def add_wish(
    db: Database, contact_id: int, occurrence: date, state: str, kind: str = InteractionKind.BIRTHDAY
) -> None:
    async with db.transaction() as session:
        session.add(Interaction(contact_id=contact_id, kind=kind, state=state, occurrence=occurrence))


@pytest.mark.parametrize(
    ("state", "blocks"),
    [
        (InteractionState.SENDING, True),
        (InteractionState.SENT, True),
        (InteractionState.UNKNOWN, True),
        (InteractionState.FAILED, False),
        (InteractionState.PLANNED, False),
    ],
)
async def test_already_wished_by_state(db: Database, state: InteractionState, blocks: bool) -> None:
    [contact] = await add_contacts(db, (6, 15))
    occurrence = date(2026, 6, 15)
    await add_wish(db, contact, occurrence, state)
    async with db.session() as session:
        found = await occurrences_already_wished(session, [contact], [occurrence])
    assert found == ({(contact, occurrence)} if blocks else set())


async def test_already_wished_matches_exact_pairs_only(db: Database) -> None:
    a, b, c = await add_contacts(db, (6, 15), (6, 14), (6, 15))
    this_year, last_year = date(2026, 6, 15), date(2025, 6, 15)
    await add_wish(db, a, last_year, InteractionState.SENT)
    await add_wish(db, b, date(2026, 6, 14), InteractionState.SENT)
    await add_wish(db, c, this_year, InteractionState.SENT, kind=InteractionKind.MESSAGE)
    await add_wish(db, a, this_year, InteractionState.UNKNOWN)
    async with db.session() as session:
        found = await occurrences_already_wished(
            session, [a, b, c, a], [this_year, this_year, this_year, last_year]
        )
        assert found == {(a, this_year), (a, last_year)}
        assert await occurrences_already_wished(session, [], []) == set()
        with pytest.raises(ValueError, match="pair up"):
            await occurrences_already_wished(session, [a, b], [this_year])


async def test_already_wished_over_many_pairs(db: Database) -> None:
    ids = await add_contacts(db, *[(6, 15)] * 1200)
    occurrence = date(2026, 6, 15)
    async with db.transaction() as session:
        session.add_all(
            Interaction(
                contact_id=cid,
                kind=InteractionKind.BIRTHDAY,
                state=InteractionState.SENT,
                occurrence=occurrence,
            )
            for cid in ids[::3]
        )
    async with db.session() as session:
        found = await occurrences_already_wished(session, ids, [occurrence] * len(ids))
    assert found == {(cid, occurrence) for cid in ids[::3]}


async def test_already_wished_searches_by_contact(db: Database) -> None:
    ids = await add_contacts(db, *[(6, 15)] * 50)
    # Earlier wishes in every state, so the (kind, state) index has something to tempt the planner.
    for n, contact_id in enumerate(ids):
        state = [InteractionState.SENT, InteractionState.FAILED, InteractionState.UNKNOWN][n % 3]
        await add_wish(db, contact_id, date(2025, 6, 15), state)
    # A full chunk, as the campaign sends it: 500 contacts over the eleven dates of a window.
    stmt = already_wished_statement([(n, date(2026, 6, 15 - n % 11)) for n in range(1, 501)])
    if on_postgresql(db):
        plan_text = await postgresql_plan(db, stmt)
        # Either index that leads with contact_id will do; the (kind, state) one must not be walked.
        assert "Seq Scan" not in plan_text, plan_text
        assert "ix_interactions_kind_state" not in plan_text, plan_text
        assert "ix_interactions_contact_id" in plan_text or "uq_interactions_birthday_once" in plan_text
        return
    sql = str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    async with db.session() as session:
        plan = [row[3] for row in await session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
    assert len(plan) == 1, plan
    assert plan[0] == "SEARCH interactions USING INDEX ix_interactions_contact_id (contact_id=?)", plan


async def test_the_due_list_and_the_wished_set_combine(db: Database) -> None:
    wished, pending, failed = await add_contacts(db, (6, 15), (6, 12), (6, 10))
    await add_wish(db, wished, date(2026, 6, 15), InteractionState.SENT)
    await add_wish(db, failed, date(2026, 6, 10), InteractionState.FAILED)
    async with db.session() as session:
        result = list(await birthdays_due(session, date(2026, 6, 15)))
        skip = await occurrences_already_wished(
            session, [d.contact_id for d in result], [d.occurrence for d in result]
        )
    assert [d.contact_id for d in result if (d.contact_id, d.occurrence) not in skip] == [pending, failed]


# --- property: SQL agrees with a plain-Python reference over every contact ---------------------


def reference(today: date, late_days: int, contacts: dict[int, Birthday]) -> list[BirthdayDue]:
    """The most recent celebration on or before today, by brute force over every contact."""
    found = []
    for contact_id, (month, day) in contacts.items():
        if month is None or day is None:
            continue
        for year in (today.year, today.year - 1):
            if (month, day) == (2, 29) and not calendar.isleap(year):
                occurrence = date(year, 2, 28)
            else:
                try:
                    occurrence = date(year, month, day)
                except ValueError:
                    break
            if occurrence <= today:
                if (today - occurrence).days <= late_days:
                    found.append(BirthdayDue(contact_id, occurrence, (today - occurrence).days))
                break
    return sorted(found, key=lambda d: (d.days_late, d.contact_id))


tricky_days = st.sampled_from(
    [(2, 28), (2, 29), (3, 1), (12, 31), (1, 1), (4, 30), (5, 1), (4, 31), (2, 30), (None, None)]
)
any_birthday = st.one_of(st.dates().map(lambda d: (d.month, d.day)), tricky_days)
any_today = st.one_of(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    st.builds(
        lambda anchor, shift: anchor + timedelta(days=shift),
        st.sampled_from([date(2027, 3, 1), date(2028, 3, 1), date(2026, 1, 1), date(2028, 2, 29)]),
        st.integers(min_value=-3, max_value=12),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    today=any_today,
    late_days=st.one_of(st.just(10), st.integers(min_value=0, max_value=MAX_LATE_DAYS)),
    birthdays=st.lists(any_birthday, max_size=40),
)
async def test_sql_matches_the_python_reference(
    db: Database, today: date, late_days: int, birthdays: list[Birthday]
) -> None:
    async with db.transaction() as session:
        await session.execute(delete(Contact))
    ids = await add_contacts(db, *birthdays)
    expected = reference(today, late_days, dict(zip(ids, birthdays, strict=True)))
    assert await due(db, today, late_days=late_days) == expected
