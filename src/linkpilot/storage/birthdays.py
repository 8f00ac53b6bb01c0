"""Whose birthday is due: today's, and the late ones still inside the window.

The look-up goes through the indexed `birthday_month`/`birthday_day` columns (index
`ix_contacts_birthday`) and never applies a date function to a column: the window is turned
into one `month = ? AND day BETWEEN ? AND ?` range per calendar month it touches (two at
most for a 10-day window) before the query is built, so SQLite searches the index instead of
scanning every contact.

29 February: in a leap year the birthday is celebrated on 29 February; in any other year it
is celebrated on 28 February, the last day of that February: due on the 28th, late from
1 March onwards, like every other birthday.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, NamedTuple

from sqlalchemy import CompoundSelect, Select, String, func, select, union_all
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


class BirthdayDue(NamedTuple):
    """A contact whose birthday is due: the date of this occurrence and how late we are for it."""

    contact_id: int
    occurrence: date
    days_late: int


class MonthDayRange(NamedTuple):
    month: int
    first_day: int
    last_day: int


def local_today(now: datetime, zone: tzinfo) -> date:
    """The calendar date it is in the configured time zone at the aware instant `now`."""
    if now.tzinfo is None:
        raise ValueError("local_today needs an aware datetime")
    return now.astimezone(zone).date()


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


def month_day_ranges(pairs: Iterable[tuple[int, int]]) -> list[MonthDayRange]:
    """Collapse (month, day) pairs into one day range per month.

    The pairs of a window are contiguous within each month (the window is shorter than a
    year), so min..max covers exactly them."""
    days_by_month: dict[int, list[int]] = {}
    for month, day in pairs:
        days_by_month.setdefault(month, []).append(day)
    ranges = []
    for month, days in days_by_month.items():
        if max(days) - min(days) + 1 != len(set(days)):
            raise ValueError(f"days of month {month} are not contiguous: {sorted(days)}")
        ranges.append(MonthDayRange(month, min(days), max(days)))
    return ranges


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


def _range_select(
    month_days: MonthDayRange, first_degree_only: bool
) -> Select[int | None, int | None, str, int]:
    month, first, last = month_days
    day = Contact.birthday_day
    stmt = (
        select(
            Contact.birthday_month,
            Contact.birthday_day,
            JoinedIds(Contact.id),
            func.count(),
        )
        .where(Contact.birthday_month == month, day == first if first == last else day.between(first, last))
        .group_by(Contact.birthday_month, Contact.birthday_day)
    )
    if first_degree_only:
        stmt = stmt.where(Contact.degree == 1)
    return stmt


def birthdays_due_statement(
    today: date, late_days: int = DEFAULT_LATE_DAYS, *, first_degree_only: bool = False
) -> Select[int | None, int | None, str, int] | CompoundSelect[int | None, int | None, str, int]:
    """The look-up query: one indexed range per calendar month the window touches.

    Each range is `month = ? AND day BETWEEN ? AND ?` and yields one row per (month, day) with
    the matching contact ids aggregated, so thousands of matches cost a few rows to fetch. The
    ranges are joined with UNION ALL rather than OR: the result is the same, but SQLite's
    multi-index OR would sort the rows again for the GROUP BY, while each UNION ALL arm walks
    the index in (month, day) order. Without the degree filter the index alone answers."""
    selects = [
        _range_select(month_days, first_degree_only)
        for month_days in month_day_ranges(window_occurrences(today, late_days))
    ]
    return selects[0] if len(selects) == 1 else union_all(*selects)


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

    `today` is the date in the configured time zone (see `local_today`). Today's birthdays
    come first, then one day late, and so on up to `late_days` late (included); within a
    day, contacts are in id order. `first_degree_only` keeps 1st-degree connections only."""
    # Month and day are never NULL here: the WHERE clause matched them.
    late_of: dict[tuple[int | None, int | None], int] = {
        pair: (today - occurrence).days for pair, occurrence in window_occurrences(today, late_days).items()
    }
    result = await session.execute(
        birthdays_due_statement(today, late_days, first_degree_only=first_degree_only)
    )
    return collect_due(
        today, late_days, ((late_of[(month, day)], joined, count) for month, day, joined, count in result)
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
