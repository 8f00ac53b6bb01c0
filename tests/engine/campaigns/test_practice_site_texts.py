"""The practice site writes its texts the way LinkedIn does: every one must read back."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from linkpilot.engine.campaigns.logic.birthday_status import parse_birthday_status
from linkpilot.engine.campaigns.logic.experience import parse_experience_range
from linkpilot.engine.campaigns.logic.invitation_age import parse_invitation_age
from linkpilot.sandbox.i18n import Texts

languages = st.sampled_from(["en", "fr"])
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))


@given(language=languages, today=days, k=st.integers(min_value=0, max_value=60))
def test_birthday_statuses_read_back(language: str, today: dt.date, k: int) -> None:
    occurrence = today - dt.timedelta(days=k)
    status = Texts(language).birthday_status(k, occurrence)
    when = parse_birthday_status(status, today)
    assert when is not None, status
    assert when.occurrence == occurrence, status
    assert when.days_late == k


@given(language=languages, k=st.integers(min_value=0, max_value=3000))
def test_invitation_ages_are_lower_bounds(language: str, k: int) -> None:
    today = dt.date(2025, 6, 1)
    age = parse_invitation_age(Texts(language).sent_ago(k), today)
    assert age is not None
    assert age <= k
    assert k - age < 365


@given(language=languages, start=st.tuples(st.integers(1990, 2024), st.integers(1, 12)))
def test_experience_dates_read_back(language: str, start: tuple[int, int]) -> None:
    t = Texts(language)
    today = dt.date(2025, 6, 15)
    text = f"{t.month_year(*start)} - {t('present')} · 3 yrs"
    parsed = parse_experience_range(text, today)
    assert parsed is not None
    assert parsed.start == dt.date(start[0], start[1], 1)
    assert parsed.current
