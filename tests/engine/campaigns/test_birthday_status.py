from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkpilot.engine.campaigns.logic.birthday_status import (
    BirthdayWhen,
    classify,
    parse_birthday_status,
)

TODAY = dt.date(2025, 1, 2)

MONTHS_EN_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_EN_LONG = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTHS_FR_SHORT = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."
)  # fmt: skip
MONTHS_FR_LONG = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def late(text: str, today: dt.date = TODAY) -> int | None:
    when = parse_birthday_status(text, today)
    return None if when is None else when.days_late


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Birthday today", 0),
        ("Anniversaire aujourd'hui", 0),
        ("Anniversaire aujourd’hui", 0),
        ("ANNIVERSAIRE AUJOURD’HUI", 0),
        ("  birthday\u00a0\u00a0today \n", 0),
        ("today", 0),
        ("yesterday", 1),
        ("Birthday yesterday", 1),
        ("hier", 1),
        ("Anniversaire hier", 1),
        ("avant-hier", 2),
        ("Anniversaire avant-hier", 2),
        ("avant\u2011hier", 2),
        ("avant hier", 2),
        ("3 days ago", 3),
        ("Birthday 3 days ago", 3),
        ("1 day ago", 1),
        ("a day ago", 1),
        ("il y a 3 jours", 3),
        ("Anniversaire il y a 6 jours", 6),
        ("il y a un jour", 1),
        ("il\u00a0y\u00a0a\u00a010\u00a0jours", 10),
        ("Dec 30", 3),
        ("Birthday on Dec 30", 3),
        ("December 30", 3),
        ("Dec. 30th", 3),
        ("le 30 déc.", 3),
        ("Anniversaire le 30 déc.", 3),
        ("30 décembre", 3),
        ("30 DECEMBRE", 3),
        ("1er janvier", 1),
        ("Jan 2", 0),
        ("Dec 30, 2024", 3),
        ("30 décembre 2024", 3),
        ("2024-12-30", 3),  # a <time datetime=...> value
        ("2024-12-30T00:00:00Z", 3),
        ("2025-01-05", -3),
    ],
)
def test_status_texts_in_both_languages(text: str, days: int) -> None:
    assert late(text) == days


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Thierry",
        "Thierry Martin",
        "Hiera",
        "Hierarchy",
        "novembre",
        "Novembre",
        "Anovembre 20",
        "xnov 20",
        "20nov",
        "Nov 31",
        "31 avril",
        "30 février",
        "30 février 2024",
        "2024-02-30",
        "Nov 0",
        "Happy birthday!",
        "days ago",
        "il y a jours",
        "Todayville",
        "Aujourd",
        "Message",
    ],
)
def test_texts_that_name_no_birthday(text: str) -> None:
    assert parse_birthday_status(text, TODAY) is None


def test_year_boundary_a_december_date_seen_in_january_is_late() -> None:
    assert parse_birthday_status("Dec 30", TODAY) == BirthdayWhen(dt.date(2024, 12, 30), 3)
    assert parse_birthday_status("le 31 déc.", dt.date(2025, 1, 1)) == BirthdayWhen(dt.date(2024, 12, 31), 1)


def test_a_january_date_seen_in_december_is_still_ahead() -> None:
    when = parse_birthday_status("Jan 3", dt.date(2024, 12, 30))
    assert when == BirthdayWhen(dt.date(2025, 1, 3), -4)
    assert classify(when) == "ignore"


def test_relative_days_cross_the_new_year() -> None:
    assert parse_birthday_status("il y a 3 jours", dt.date(2025, 1, 1)) == BirthdayWhen(
        dt.date(2024, 12, 29), 3
    )
    assert parse_birthday_status("yesterday", dt.date(2024, 3, 1)) == BirthdayWhen(dt.date(2024, 2, 29), 1)


def test_29_february_in_a_year_without_one_is_celebrated_on_the_28th() -> None:
    assert parse_birthday_status("Feb 29", dt.date(2025, 3, 3)) == BirthdayWhen(dt.date(2025, 2, 28), 3)
    assert parse_birthday_status("29 févr.", dt.date(2024, 3, 3)) == BirthdayWhen(dt.date(2024, 2, 29), 3)
    assert parse_birthday_status("29 février", dt.date(2025, 2, 28)) == BirthdayWhen(dt.date(2025, 2, 28), 0)
    assert parse_birthday_status("Feb 29", dt.date(2100, 3, 1)) == BirthdayWhen(dt.date(2100, 2, 28), 1)
    assert parse_birthday_status("Feb 29", dt.date(2000, 3, 1)) == BirthdayWhen(dt.date(2000, 2, 29), 1)


def test_the_first_day_of_the_calendar_has_no_yesterday() -> None:
    assert parse_birthday_status("yesterday", dt.date.min) is None
    assert parse_birthday_status("Birthday today", dt.date.min) == BirthdayWhen(dt.date.min, 0)
    assert parse_birthday_status("Dec 31", dt.date.max) == BirthdayWhen(dt.date.max, 0)


def test_an_explicit_year_is_honoured() -> None:
    assert parse_birthday_status("Nov 20, 2023", TODAY) == BirthdayWhen(dt.date(2023, 11, 20), 409)
    assert parse_birthday_status("29 février 2023", TODAY) == BirthdayWhen(dt.date(2023, 2, 28), 674)


def test_the_name_on_the_card_never_counts_as_the_status() -> None:
    # Names that contain status words or month names, followed by the real status line.
    assert late("Thierry Hier\nAnniversaire il y a 4 jours") == 4
    assert late("May Lee\nBirthday 5 days ago") == 5
    assert late("Avril Dupont · Directrice · le 30 déc.") == 3
    assert late("Thierry Dupont Anniversaire aujourd’hui") == 0
    assert late("May 20 days ago") == 20  # "May" the name, then "20 days ago"


def test_a_longer_phrase_wins_over_the_word_inside_it() -> None:
    assert late("avant hier") == 2
    assert late("Anniversaire avant-hier") == 2


@pytest.mark.parametrize(
    ("days", "late_days", "expected"),
    [
        (0, 10, "today"),
        (1, 10, "late"),
        (10, 10, "late"),
        (11, 10, "ignore"),
        (-1, 10, "ignore"),
        (3, 0, "ignore"),
        (0, 0, "today"),
        (5, 5, "late"),
    ],
)
def test_classify(days: int, late_days: int, expected: str) -> None:
    when = BirthdayWhen(TODAY - dt.timedelta(days=days), days)
    assert classify(when, late_days) == expected


def test_classify_defaults_to_ten_days_and_ignores_unknown() -> None:
    assert classify(BirthdayWhen(TODAY, 10)) == "late"
    assert classify(BirthdayWhen(TODAY, 11)) == "ignore"
    assert classify(None) == "ignore"


def _forms(occurrence: dt.date, k: int) -> list[str]:
    m = occurrence.month - 1
    d = occurrence.day
    forms = [
        f"{MONTHS_EN_SHORT[m]} {d}",
        f"{MONTHS_EN_LONG[m]} {d}",
        f"Birthday on {MONTHS_EN_SHORT[m]} {d}",
        f"le {d} {MONTHS_FR_SHORT[m]}",
        f"Anniversaire le {d} {MONTHS_FR_SHORT[m]}",
        f"{d} {MONTHS_FR_LONG[m]}",
        f"{k} days ago",
        f"Birthday {k} days ago",
        f"il y a {k} jours",
        f"Anniversaire il y a {k} jours",
    ]
    if k == 0:
        forms += ["Birthday today", "Anniversaire aujourd’hui"]
    if k == 1:
        forms += ["yesterday", "Anniversaire hier"]
    if k == 2:
        forms += ["avant-hier"]
    return forms


dates = st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2199, 12, 31))


@given(
    today=dates,
    k=st.integers(min_value=0, max_value=40),
    name=st.sampled_from(["", "Thierry Martin ", "Avril Hiera\n"]),
)
def test_every_form_of_k_days_ago_reads_back(today: dt.date, k: int, name: str) -> None:
    occurrence = today - dt.timedelta(days=k)
    for form in _forms(occurrence, k):
        when = parse_birthday_status(name + form, today)
        assert when is not None, form
        assert when.occurrence == occurrence, form
        assert when.days_late == k, form


words_around = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàç", min_size=1, max_size=4)


@given(
    prefix=words_around,
    suffix=words_around,
    word=st.sampled_from(
        [
            "hier",
            "today",
            "yesterday",
            "aujourd'hui",
            "avant-hier",
            "novembre",
            "nov",
            "décembre",
            "may",
            "mai",
        ]
    ),
    today=dates,
)
def test_status_words_inside_other_words_never_match(
    prefix: str, suffix: str, word: str, today: dt.date
) -> None:
    for text in (f"{prefix}{word}", f"{word}{suffix}", f"{prefix}{word}{suffix}"):
        assert parse_birthday_status(f"{text} 20", today) is None
        assert parse_birthday_status(f"20 {text}", today) is None


@given(text=st.text(max_size=60), today=dates)
def test_any_text_parses_or_returns_none_without_crashing(text: str, today: dt.date) -> None:
    when = parse_birthday_status(text, today)
    if when is not None:
        assert when.days_late == (today - when.occurrence).days
        assert classify(when) in ("today", "late", "ignore")
