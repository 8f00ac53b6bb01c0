from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkpilot.engine.campaigns.logic.experience import (
    DateRange,
    merged,
    parse_experience_range,
    years_of_experience,
)

TODAY = dt.date(2025, 6, 15)
EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def d(y: int, m: int, day: int) -> dt.date:
    return dt.date(y, m, day)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jan 2019 - Present", DateRange(d(2019, 1, 1), TODAY, True)),
        ("Jan 2019 - Present · 6 yrs 6 mos", DateRange(d(2019, 1, 1), TODAY, True)),
        ("janv. 2019 - aujourd’hui", DateRange(d(2019, 1, 1), TODAY, True)),
        ("janv.\u00a02019\u00a0–\u00a0aujourd'hui · 6 ans 6 mois", DateRange(d(2019, 1, 1), TODAY, True)),
        ("mai 2020 - à ce jour", DateRange(d(2020, 5, 1), TODAY, True)),
        ("Sep 2012 – Dec 2014 · 2 yrs 4 mos", DateRange(d(2012, 9, 1), d(2014, 12, 31), False)),
        ("sept. 2012 - déc. 2014", DateRange(d(2012, 9, 1), d(2014, 12, 31), False)),
        ("févr. 2016 — févr. 2016", DateRange(d(2016, 2, 1), d(2016, 2, 29), False)),
        ("Feb 2015 - Feb 2015 · 1 mo", DateRange(d(2015, 2, 1), d(2015, 2, 28), False)),
        ("January 2019 to March 2021", DateRange(d(2019, 1, 1), d(2021, 3, 31), False)),
        ("de janvier 2019 à mars 2021", DateRange(d(2019, 1, 1), d(2021, 3, 31), False)),
        ("2015 - 2018", DateRange(d(2015, 1, 1), d(2018, 12, 31), False)),
        ("2015-2018", DateRange(d(2015, 1, 1), d(2018, 12, 31), False)),
        ("2015 - Jun 2016", DateRange(d(2015, 1, 1), d(2016, 6, 30), False)),
        ("Jun 2024 - Dec 2026", DateRange(d(2024, 6, 1), TODAY, False)),
        ("Acme · Full-time 2010 Jan 2019 - Present", DateRange(d(2019, 1, 1), TODAY, True)),
        ("Mar 2025 - Now", DateRange(d(2025, 3, 1), TODAY, True)),
    ],
)
def test_ranges(text: str, expected: DateRange) -> None:
    assert parse_experience_range(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Jan 2019",
        "2019",
        "Present",
        "Jan 2030 - Present",
        "2020 - 2018",
        "Jan 2019 -",
        "Acme · 5 yrs",
        "Janvier - Mars",
    ],
)
def test_no_usable_range(text: str) -> None:
    assert parse_experience_range(text, TODAY) is None


def test_days_are_inclusive() -> None:
    assert DateRange(d(2020, 1, 1), d(2020, 1, 31), False).days == 31


def test_overlapping_and_touching_periods_are_merged() -> None:
    ranges = [
        parse_experience_range("Jan 2015 - Dec 2016", TODAY),
        parse_experience_range("Jun 2016 - Jun 2017", TODAY),  # overlaps
        parse_experience_range("Jul 2017 - Dec 2017", TODAY),  # touches
        parse_experience_range("2020 - 2020", TODAY),
    ]
    real = [r for r in ranges if r is not None]
    assert merged(real) == [(d(2015, 1, 1), d(2017, 12, 31)), (d(2020, 1, 1), d(2020, 12, 31))]
    assert years_of_experience(real) == pytest.approx((1096 + 366) / 365.25)


def test_two_jobs_at_once_count_once() -> None:
    a = parse_experience_range("Jan 2019 - Present", TODAY)
    b = parse_experience_range("janv. 2020 - aujourd’hui", TODAY)
    assert a is not None
    assert b is not None
    assert years_of_experience([a, b]) == pytest.approx(years_of_experience([a]))
    assert years_of_experience([]) == 0


months = st.integers(min_value=1, max_value=12)
years = st.integers(min_value=1950, max_value=2025)


@given(y1=years, m1=months, y2=years, m2=months, french=st.booleans())
def test_formatted_ranges_read_back(y1: int, m1: int, y2: int, m2: int, french: bool) -> None:
    names = FR if french else EN
    (sy, sm), (ey, em) = sorted([(y1, m1), (y2, m2)])
    text = f"{names[sm - 1]} {sy} - {names[em - 1]} {ey}"
    parsed = parse_experience_range(text, TODAY)
    if dt.date(sy, sm, 1) > TODAY:
        assert parsed is None
        return
    assert parsed is not None
    assert parsed.start == dt.date(sy, sm, 1)
    assert parsed.end <= TODAY
    assert parsed.end.month == em or parsed.end == TODAY


@given(
    spans=st.lists(
        st.tuples(st.dates(dt.date(1980, 1, 1), TODAY), st.integers(min_value=0, max_value=4000)), max_size=8
    )
)
def test_merged_years_never_exceed_the_sum_nor_the_longest(spans: list[tuple[dt.date, int]]) -> None:
    ranges = [DateRange(start, min(TODAY, start + dt.timedelta(days=n)), False) for start, n in spans]
    total = years_of_experience(ranges)
    assert total <= sum(r.days for r in ranges) / 365.25 + 1e-9
    assert total >= max((r.days for r in ranges), default=0) / 365.25 - 1e-9
    periods = merged(ranges)
    assert all(a[1] + dt.timedelta(days=1) < b[0] for a, b in itertools.pairwise(periods))
