"""Dated experience: "Jan 2019 - Present", "janv. 2019 – aujourd'hui", "2015 - 2018".

A range runs from the first day of its start month (1 January for a bare year) to the last
day of its end month (31 December), both included, as LinkedIn counts "Jan 2019 - Jan 2019"
as one month. "Present"/"aujourd'hui" ends today; an end in the future is cut to today; a
start in the future or an end before the start is not a usable range. The duration LinkedIn
appends (" · 5 yrs 2 mos") is ignored: it is recomputed from the dates.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from linkpilot.engine.campaigns.logic.words import MONTHS, tokens

_PRESENT: Final = frozenset(
    {"present", "now", "current", "currently", "today", "aujourd'hui", "aujourdhui", "auj", "actuel",
     "actuellement", "maintenant"}
)  # fmt: skip
_SEPARATORS: Final = frozenset({"-", "to", "until", "a", "au", "jusqu'a", "jusqu'au"})
DAYS_PER_YEAR: Final = 365.25


@dataclass(frozen=True, slots=True)
class DateRange:
    start: dt.date
    end: dt.date
    current: bool

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _year(token: str) -> int | None:
    if len(token) == 4 and token.isdigit() and 1900 <= int(token) <= 2200:
        return int(token)
    return None


def _point(words: list[str], i: int) -> tuple[int, int | None, int] | None:
    """(year, month or None, tokens used) for "2019" or "jan 2019" at token i."""
    if i >= len(words):
        return None
    month = MONTHS.get(words[i])
    if month is not None and i + 1 < len(words):
        year = _year(words[i + 1])
        if year is not None:
            return year, month, 2
    year = _year(words[i])
    return (year, None, 1) if year is not None else None


def _start_of(year: int, month: int | None) -> dt.date:
    return dt.date(year, month or 1, 1)


def _end_of(year: int, month: int | None) -> dt.date:
    month = month or 12
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_experience_range(text: str, today: dt.date) -> DateRange | None:
    """The first date range in `text`, or None when there is no usable one."""
    words = tokens(text)
    for i in range(len(words)):
        start = _point(words, i)
        if start is None:
            continue
        j = i + start[2]
        if j >= len(words) or words[j] not in _SEPARATORS:
            continue
        while j < len(words) and words[j] in _SEPARATORS:  # "- à ce jour"
            j += 1
        begin = _start_of(start[0], start[1])
        if begin > today:
            return None
        if (j < len(words) and words[j] in _PRESENT) or words[j : j + 2] == ["ce", "jour"]:
            return DateRange(begin, today, current=True)
        end = _point(words, j)
        if end is None:
            continue
        finish = min(_end_of(end[0], end[1]), today)
        if finish < begin:
            return None
        return DateRange(begin, finish, current=False)
    return None


def merged(ranges: Iterable[DateRange]) -> list[tuple[dt.date, dt.date]]:
    """Periods with overlapping or touching ranges joined, in order."""
    out: list[tuple[dt.date, dt.date]] = []
    for item in sorted(ranges, key=lambda r: (r.start, r.end)):
        if out and item.start <= out[-1][1] + dt.timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], item.end))
        else:
            out.append((item.start, item.end))
    return out


def years_of_experience(ranges: Iterable[DateRange]) -> float:
    """Years covered by the ranges, counting overlapping jobs once."""
    days = sum((end - start).days + 1 for start, end in merged(ranges))
    return days / DAYS_PER_YEAR
