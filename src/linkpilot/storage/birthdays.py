"""Whose birthday is due: today's, and the late ones still inside the window.

The look-up goes through the indexed `birthday_month`/`birthday_day` columns (index
`ix_contacts_birthday`, which also holds `degree`) and never applies a date function to a
column: the window is turned into its (month, day) pairs before the query is built, and each
pair is one equality search of the index, so the database reads only the matching entries
instead of scanning every contact.

29 February: in a leap year the birthday is celebrated on 29 February; in any other year it
is celebrated on 28 February, the last day of that February: due on the 28th, late from
1 March onwards, like every other birthday.
"""

from __future__ import annotations

import calendar
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from functools import cache
from typing import Any, NamedTuple, cast

import aiosqlite
from sqlalchemy import (
    CompoundSelect,
    Integer,
    Select,
    String,
    bindparam,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from linkpilot.storage.models import Contact, Interaction, InteractionKind, InteractionState

DEFAULT_LATE_DAYS = 10
# The settings cap the window at 60 days; past a year a (month, day) would map to two dates.
MAX_LATE_DAYS = 60

# A wish in one of these states may have reached the person: never start another for the same
# occurrence. `unknown` (a crash mid-send) blocks until the thread is read or the operator decides;
# `failed` does not block, the campaign may try again.
WISH_BLOCKING_STATES: frozenset[str] = frozenset(
    {InteractionState.SENDING, InteractionState.SENT, InteractionState.UNKNOWN}
)

# SQLite allows 32766 variables per statement; stay far below it and below PostgreSQL's limits.
_CHUNK = 500

# One row per (month, day) of the window: which pair it answers, the ids, how many.
DueRow = tuple[int, str | None, int]
DueStatement = Select[int, str | None, int] | CompoundSelect[int, str | None, int]


class BirthdayDue(NamedTuple):
    """A contact whose birthday is due: the date of this occurrence and how late we are for it."""

    contact_id: int
    occurrence: date
    days_late: int


def celebrated_on(month: int, day: int, year: int) -> date | None:
    """The date a (month, day) birthday is celebrated in `year`: 29 February falls on the 28th
    in other years. None for a day the month never has (31 April, 30 February)."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def window_occurrences(today: date, late_days: int = DEFAULT_LATE_DAYS) -> dict[tuple[int, int], date]:
    """Every stored (month, day) whose birthday is celebrated between today - late_days and today,
    mapped to the date it is celebrated on."""
    _check_window(late_days)
    pairs: dict[tuple[int, int], date] = {}
    for late in range(late_days + 1):
        day = today - timedelta(days=late)
        pairs[(day.month, day.day)] = day
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            pairs[(2, 29)] = day
    return pairs


class JoinedIds(FunctionElement[str]):
    """Integer ids joined with commas, in one aggregate value per group."""

    type = String()
    inherit_cache = True


@compiles(JoinedIds)
def _joined_ids_portable(element: JoinedIds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"string_agg(CAST({compiler.process(element.clauses, **kw)} AS VARCHAR), ',')"


@compiles(JoinedIds, "sqlite")
def _joined_ids_sqlite(element: JoinedIds, compiler: SQLCompiler, **kw: Any) -> str:
    # group_concat turns integers into text itself; an explicit CAST costs a tenth of the look-up.
    return f"group_concat({compiler.process(element.clauses, **kw)})"


def _day_select(arm: int, first_degree_only: bool) -> Select[int, str | None, int]:
    contacts = Contact.__table__.c
    stmt = select(
        # The arm's number, written into the SQL: the rows of a UNION ALL come in no promised order.
        literal_column(str(arm), Integer),
        JoinedIds(contacts.id),
        func.count(),
    ).where(
        contacts.birthday_month == bindparam(f"month_{arm}", type_=Integer),
        contacts.birthday_day == bindparam(f"day_{arm}", type_=Integer),
    )
    if first_degree_only:
        stmt = stmt.where(contacts.degree == bindparam("degree", 1, type_=Integer))
    return stmt


@cache
def _due_statement(arms: int, first_degree_only: bool) -> DueStatement:
    """The look-up for a window of `arms` (month, day) pairs, bound at run time.

    One aggregate per pair, joined with UNION ALL, rather than one range per month with GROUP BY:
    each equality search yields exactly one day's entries, so SQLite aggregates them without
    checking every entry for the start of a new group; on 25,000 matches that GROUP BY work
    was a third of the look-up. A pair nobody has yields one row, with count 0 and no ids.

    Built once per shape (12 pairs at most for the default window, 62 for the longest): the
    statement does not change with the day, so it is compiled once, and SQLite prepares it once."""
    selects = [_day_select(arm, first_degree_only) for arm in range(arms)]
    return selects[0] if arms == 1 else union_all(*selects)


@cache
def _sqlite_sql(arms: int, first_degree_only: bool) -> str:
    return str(_due_statement(arms, first_degree_only).compile(dialect=sqlite.dialect(paramstyle="named")))


def _window_parameters(pairs: Iterable[tuple[int, int]], first_degree_only: bool) -> dict[str, int]:
    params: dict[str, int] = {"degree": 1} if first_degree_only else {}
    for arm, (month, day) in enumerate(pairs):
        params[f"month_{arm}"] = month
        params[f"day_{arm}"] = day
    return params


def birthdays_due_statement(
    today: date, late_days: int = DEFAULT_LATE_DAYS, *, first_degree_only: bool = False
) -> DueStatement:
    """The look-up query with this window's values bound (for reading its plan): one equality
    search of the birthday index per (month, day) of the window. Without the degree filter and
    with it, the index alone answers."""
    pairs = window_occurrences(today, late_days)
    return _due_statement(len(pairs), first_degree_only).params(_window_parameters(pairs, first_degree_only))


async def _due_rows(
    session: AsyncSession, arms: int, first_degree_only: bool, params: dict[str, int]
) -> Iterable[DueRow]:
    connection = await session.connection()
    if connection.dialect.name != "sqlite":
        return await session.execute(_due_statement(arms, first_degree_only), params)
    # SQLite through aiosqlite: a statement through the session is four trips to the driver's
    # thread (cursor, execute, fetch, close), each a thread wake-up that a busy machine delays;
    # the driver's execute_fetchall is one, on the same connection, so inside the session's
    # transaction.
    if session.autoflush:
        # What session.execute would do first: contacts added in this session are looked up too.
        await session.flush()
    driver = cast("aiosqlite.Connection", (await connection.get_raw_connection()).driver_connection)
    sql = _sqlite_sql(arms, first_degree_only)
    try:
        return cast("Iterable[DueRow]", await driver.execute_fetchall(sql, params))
    except sqlite3.Error as exc:
        # The same error the session would raise, so callers handle storage failures one way.
        raise cast(
            "DBAPIError", DBAPIError.instance(sql, params, exc, sqlite3.Error, dialect=connection.dialect)
        ) from exc


class DueDay:
    """The contacts whose birthday occurrence falls on one date of the window.

    The ids arrive from the database as comma-joined text, one piece per (month, day); they
    are parsed the first time `contact_ids` is read, so a run that stops at its quota after
    today's first few people never pays for the thousands of late ones behind them."""

    __slots__ = ("_ids", "_joined", "count", "days_late", "occurrence")

    def __init__(self, occurrence: date, days_late: int, joined_ids: Sequence[str], count: int) -> None:
        self.occurrence = occurrence
        self.days_late = days_late
        self.count = count
        self._joined = tuple(joined_ids)
        self._ids: tuple[int, ...] | None = None

    @property
    def contact_ids(self) -> tuple[int, ...]:
        """Ascending ids."""
        if self._ids is None:
            # A comma-separated list of integers is a JSON array body: json parses it in C.
            ids: list[int] = json.loads(f"[{','.join(self._joined)}]")
            # SQL promises no order inside group_concat, and 28 February may hold two pieces;
            # the index walk usually yields ascending ids already, which sorting scans in one pass.
            ids.sort()
            self._ids = tuple(ids)
        return self._ids

    def __repr__(self) -> str:
        return f"DueDay({self.occurrence.isoformat()}, days_late={self.days_late}, count={self.count})"


class DueBirthdays:
    """The answer of `birthdays_due`: per occurrence date, today's first, then by lateness.

    Iterating yields one `BirthdayDue` per contact, built on demand: the look-up may match
    tens of thousands of contacts while a run wishes a few dozen."""

    __slots__ = ("days",)

    def __init__(self, days: Sequence[DueDay]) -> None:
        self.days = tuple(days)

    def __len__(self) -> int:
        return sum(day.count for day in self.days)

    def __iter__(self) -> Iterator[BirthdayDue]:
        for day in self.days:
            for contact_id in day.contact_ids:
                yield BirthdayDue(contact_id, day.occurrence, day.days_late)

    def contact_ids(self) -> list[int]:
        return [contact_id for day in self.days for contact_id in day.contact_ids]


async def birthdays_due(
    session: AsyncSession,
    today: date,
    *,
    late_days: int = DEFAULT_LATE_DAYS,
    first_degree_only: bool = False,
) -> DueBirthdays:
    """Contacts whose birthday is celebrated today or within the last `late_days` days.

    `today` is the date in the configured time zone (`common.clock.local_date`). Today's birthdays
    come first, then one day late, and so on up to `late_days` late (included); within a
    day, contacts are in id order. `first_degree_only` keeps 1st-degree connections only."""
    occurrences = window_occurrences(today, late_days)
    late_by_arm = [(today - occurrence).days for occurrence in occurrences.values()]
    rows = await _due_rows(
        session, len(late_by_arm), first_degree_only, _window_parameters(occurrences, first_degree_only)
    )
    return collect_due(
        today, late_days, ((late_by_arm[arm], joined, count) for arm, joined, count in rows if joined)
    )


def collect_due(today: date, late_days: int, groups: Iterable[tuple[int, str, int]]) -> DueBirthdays:
    """The answer from (days late, comma-joined ids, how many) groups, in any order; two groups
    may share a day (28 February and 29 February in a non-leap year)."""
    joined_by_late: list[list[str]] = [[] for _ in range(late_days + 1)]
    count_by_late = [0] * (late_days + 1)
    for late, joined, count in groups:
        joined_by_late[late].append(joined)
        count_by_late[late] += count
    return DueBirthdays(
        [
            DueDay(today - timedelta(days=late), late, joined, count_by_late[late])
            for late, joined in enumerate(joined_by_late)
            if joined
        ]
    )


def already_wished_statement(
    pairs: Iterable[tuple[int, date]],
) -> Select[int | None, date | None, str, str]:
    """Interactions of the contacts of `pairs` on the dates of `pairs` (a superset of the pairs:
    the caller keeps the exact ones, the birthday kind and the blocking states).

    Kind and state are filtered by the caller on purpose: with them in the WHERE and no
    statistics, SQLite estimates `kind = ?` at ten rows, prefers the (kind, state) index and
    reads every birthday wish ever sent. Without them the only usable index is the one on
    contact_id, and a person has few interactions."""
    pairs = list(pairs)
    return select(Interaction.contact_id, Interaction.occurrence, Interaction.kind, Interaction.state).where(
        Interaction.contact_id.in_(sorted({contact_id for contact_id, _ in pairs})),
        Interaction.occurrence.in_(sorted({occurrence for _, occurrence in pairs})),
    )


async def occurrences_already_wished(
    session: AsyncSession, contact_ids: Sequence[int], occurrences: Sequence[date]
) -> set[tuple[int, date]]:
    """Which (contact_ids[i], occurrences[i]) pairs already have a birthday wish that may have
    been sent (state sending, sent or unknown). The campaign skips those; a `failed` wish does
    not count, and neither does a `planned` one that never started sending."""
    if len(contact_ids) != len(occurrences):
        raise ValueError("contact_ids and occurrences must pair up one to one")
    wanted = set(zip(contact_ids, occurrences, strict=True))
    pairs = sorted(wanted)
    found: set[tuple[int, date]] = set()
    for start in range(0, len(pairs), _CHUNK):
        rows = await session.execute(already_wished_statement(pairs[start : start + _CHUNK]))
        blocking = {
            (contact_id, occurrence)
            for contact_id, occurrence, kind, state in rows
            if kind == InteractionKind.BIRTHDAY and state in WISH_BLOCKING_STATES
        }
        found |= wanted & blocking
    return found


def _check_window(late_days: int) -> None:
    if not 0 <= late_days <= MAX_LATE_DAYS:
        raise ValueError(f"late_days must be between 0 and {MAX_LATE_DAYS}, not {late_days}")
