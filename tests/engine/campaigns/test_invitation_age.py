from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkpilot.engine.campaigns.logic.invitation_age import parse_invitation_age, should_withdraw

TODAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Sent today", 0),
        ("Sent yesterday", 1),
        ("Sent 1 day ago", 1),
        ("Sent 5 days ago", 5),
        ("Sent 1 week ago", 7),
        ("Sent 3 weeks ago", 21),
        ("Sent 3 months ago", 90),
        ("Sent a month ago", 30),
        ("Sent 1 year ago", 365),
        ("Sent 2 years ago", 730),
        ("Sent 5 hours ago", 0),
        ("Sent 10 minutes ago", 0),
        ("SENT\u00a03\u00a0MONTHS\u00a0AGO", 90),
        ("Envoyée aujourd’hui", 0),
        ("aujourd'hui", 0),
        ("Envoyée hier", 1),
        ("Envoyée il y a 2 jours", 2),
        ("Envoyée il y a 2 semaines", 14),
        ("Envoyée il y a 3 mois", 90),
        ("Envoyée il y a 1 mois", 30),
        ("il y a 1 an", 365),
        ("il y a un an", 365),
        ("Envoyée il y a 4 ans", 1460),
        ("Envoyée il y a 3 heures", 0),
        ("2025-03-01", 92),
        ("2025-03-01T10:00:00Z", 92),
        ("2025-03-01T10:00:00.000+02:00", 92),
        ("2025-06-01", 0),
        ("2025-07-01", 0),  # a date ahead of today (clock skew) counts as new, never as old
        ("1717200000000", 365),  # epoch milliseconds: 2024-06-01
    ],
)
def test_invitation_ages(text: str, days: int) -> None:
    assert parse_invitation_age(text, TODAY) == days


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Sent",
        "Withdraw",
        "Pending",
        "3 months",
        "Sent 3 parsecs ago",
        "2025-02-30",
        "Thierry il y a",
        "Thierry",
    ],
)
def test_texts_without_an_age(text: str) -> None:
    assert parse_invitation_age(text, TODAY) is None


@pytest.mark.parametrize(
    ("age", "threshold", "expected"),
    [(90, 90, True), (89, 90, False), (365, 90, True), (0, 1, False), (None, 90, False), (30, 30, True)],
)
def test_should_withdraw_only_known_ages_at_the_threshold(
    age: int | None, threshold: int, expected: bool
) -> None:
    assert should_withdraw(age, threshold) is expected


def sent_ago_like_linkedin(days: int, language: str) -> str:
    """The sandbox's and LinkedIn's rounding: the largest unit, rounded down."""
    if days <= 0:
        return "Sent today" if language == "en" else "Envoyée aujourd’hui"
    for size, en, fr in (
        (365, "year", "an"),
        (30, "month", "mois"),
        (7, "week", "semaine"),
        (1, "day", "jour"),
    ):
        if days >= size:
            n = days // size
            if language == "en":
                return f"Sent {n} {en if n == 1 else en + 's'} ago"
            unit = fr if n == 1 or fr == "mois" else fr + "s"
            return f"Envoyée il y a {n} {unit}"
    raise AssertionError("unreachable")


@given(days=st.integers(min_value=0, max_value=4000), language=st.sampled_from(["en", "fr"]))
def test_a_text_age_is_a_lower_bound_of_the_true_age(days: int, language: str) -> None:
    age = parse_invitation_age(sent_ago_like_linkedin(days, language), TODAY)
    assert age is not None
    assert 0 <= age <= days
    # so an invitation younger than the threshold is never withdrawn
    for threshold in (30, 60, 90, 180):
        if days < threshold:
            assert not should_withdraw(age, threshold)


@given(sent=st.dates(min_value=dt.date(1990, 1, 1), max_value=TODAY))
def test_a_datetime_value_is_exact(sent: dt.date) -> None:
    assert parse_invitation_age(sent.isoformat(), TODAY) == (TODAY - sent).days
