"""What a birthday card's status line means: which occurrence, how many days late.

LinkedIn writes the status in the interface language: "Birthday today" / "Anniversaire
aujourd'hui", "yesterday" / "hier", "avant-hier", "3 days ago" / "il y a 3 jours", or a date
("Nov 20", "le 20 nov.", "20 novembre", "November 20"). Matching is on whole tokens, so a
name such as "Thierry" never reads as "hier". When the card's other text (the name, the
headline) comes along, the right-most status phrase wins: the status line follows the name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

from linkpilot.engine.campaigns.logic.words import (
    MONTHS,
    NUMBER_WORDS,
    TODAY_WORDS,
    YESTERDAY_WORDS,
    iso_date,
    number,
    tokens,
)
from linkpilot.storage.birthdays import DEFAULT_LATE_DAYS, celebrated_on

Category = Literal["today", "late", "ignore"]


_DAY_UNITS: Final = frozenset({"day", "days", "jour", "jours"})


@dataclass(frozen=True, slots=True)
class BirthdayWhen:
    """The birthday occurrence a status refers to; `days_late` < 0 means it is still ahead."""

    occurrence: dt.date
    days_late: int


def _nearest(month: int, day: int, today: dt.date) -> dt.date | None:
    """The occurrence of month/day closest to `today` (a past one on a tie)."""
    if celebrated_on(month, day, 2000) is None:  # a leap year: rejects only impossible days
        return None
    years = [y for y in (today.year - 1, today.year, today.year + 1) if dt.MINYEAR <= y <= dt.MAXYEAR]
    candidates = [d for d in (celebrated_on(month, day, year) for year in years) if d is not None]
    return min(candidates, key=lambda d: (abs((today - d).days), d > today))


def _days_before(today: dt.date, days: int) -> dt.date | None:
    try:
        return today - dt.timedelta(days=days)
    except OverflowError:
        return None


def _match_at(words: list[str], i: int, today: dt.date) -> tuple[dt.date | None, int] | None:
    """A status phrase starting at token i: (occurrence, tokens used) or None."""
    word = words[i]
    rest = words[i + 1 :]
    if word in TODAY_WORDS:
        return today, 1
    if word == "avant-hier":
        return _days_before(today, 2), 1
    if word == "avant" and rest[:1] == ["hier"]:
        return _days_before(today, 2), 2
    if word in YESTERDAY_WORDS:
        return _days_before(today, 1), 1
    count = number(word) if word.isascii() and word[:1].isdigit() else NUMBER_WORDS.get(word)
    # "3 days ago"
    if count is not None and len(rest) >= 2 and rest[0] in _DAY_UNITS and rest[1] == "ago":
        return _days_before(today, count), 3
    # "il y a 3 jours"
    if word == "il" and rest[:2] == ["y", "a"] and len(rest) >= 4 and rest[3] in _DAY_UNITS:
        n = number(rest[2]) if rest[2][:1].isdigit() else NUMBER_WORDS.get(rest[2])
        if n is not None:
            return _days_before(today, n), 5
    return _date_at(words, i, today)


def _date_at(words: list[str], i: int, today: dt.date) -> tuple[dt.date, int] | None:
    """ "nov 20", "november 20th", "20 nov", "1er novembre", each with an optional year."""
    word = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    month = MONTHS.get(word)
    day = number(nxt) if month is not None else None
    if month is None or day is None:
        day, month = number(word), MONTHS.get(nxt)
    if month is None or day is None or not 1 <= day <= 31:
        return None
    year = number(words[i + 2]) if i + 2 < len(words) and words[i + 2].isdigit() else None
    if year is not None and 1900 <= year <= 2200 and len(words[i + 2]) == 4:
        exact = celebrated_on(month, day, year)
        return (exact, 3) if exact is not None else None
    occurrence = _nearest(month, day, today)
    return (occurrence, 2) if occurrence is not None else None


def parse_birthday_status(text: str, today: dt.date) -> BirthdayWhen | None:
    """Read a status line (or a whole card's text, or a `datetime` value); None when it names no birthday."""
    exact = iso_date(text)
    if exact is not None:
        return BirthdayWhen(occurrence=exact, days_late=(today - exact).days)
    words = tokens(text)
    spans: list[tuple[int, int, dt.date]] = []
    for i in range(len(words)):
        match = _match_at(words, i, today)
        if match is not None and match[0] is not None:
            spans.append((i, i + match[1], match[0]))
    # A phrase inside a longer one ("hier" in "avant hier") is not a status of its own; of the
    # rest, the right-most is the status line, earlier ones may be part of a name ("May").
    whole = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
    if not whole:
        return None
    occurrence = max(whole, key=lambda s: s[0])[2]
    return BirthdayWhen(occurrence=occurrence, days_late=(today - occurrence).days)


# Whether a text is a status line does not depend on the day it is read: any day will do.
_ANY_DAY: Final = dt.date(2000, 6, 15)


def is_birthday_status(text: str) -> bool:
    """Whether the text names a birthday (a status line), whatever day it is read on."""
    return parse_birthday_status(text, _ANY_DAY) is not None


def classify(when: BirthdayWhen | None, late_days: int = DEFAULT_LATE_DAYS) -> Category:
    """today (0 days), late (1..late_days), ignore (unknown, still ahead, or too old)."""
    if when is None or when.days_late < 0 or when.days_late > late_days:
        return "ignore"
    return "today" if when.days_late == 0 else "late"
