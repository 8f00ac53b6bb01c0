"""The V1 value conversions: loosely typed TEXT in, LinkPilot values (or a clear 'junk') out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkpilot.storage.v1_import import mapping as m

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-05T08:30:00+00:00", datetime(2024, 3, 5, 8, 30, tzinfo=UTC)),
        ("2024-03-05T10:30:00+02:00", datetime(2024, 3, 5, 8, 30, tzinfo=UTC)),
        ("2024-03-05T08:30:00Z", datetime(2024, 3, 5, 8, 30, tzinfo=UTC)),
        ("2024-03-05 08:30:00", datetime(2024, 3, 5, 8, 30, tzinfo=UTC)),
        ("2024-03-05T08:30:00.123456", datetime(2024, 3, 5, 8, 30, 0, 123456, tzinfo=UTC)),
        ("  2024-03-05  ", datetime(2024, 3, 5, tzinfo=UTC)),
    ],
)
def test_times_are_utc(raw: str, expected: datetime) -> None:
    parsed = m.parse_time(raw, NOW)
    assert parsed is not None
    assert parsed.at == expected


@pytest.mark.parametrize(
    "raw", [None, "", "   ", "yesterday", "2024-13-45", "0000-00-00", "1999-12-31T00:00:00", "2030-01-01", 17]
)
def test_junk_times_are_none(raw: object) -> None:
    assert m.parse_time(raw, NOW) is None


def test_local_date_of_an_instant_and_of_a_bare_date() -> None:
    late_evening = m.parse_time("2024-04-12T23:30:00+00:00", NOW)
    bare = m.parse_time("2024-04-12", NOW)
    assert late_evening is not None
    assert bare is not None
    assert late_evening.local_date(ZoneInfo("Europe/Paris")) == date(2024, 4, 13)
    assert late_evening.local_date(ZoneInfo("UTC")) == date(2024, 4, 12)
    assert bare.local_date(ZoneInfo("America/Los_Angeles")) == date(2024, 4, 12)
    assert bare.local_date(ZoneInfo("Pacific/Kiritimati")) == date(2024, 4, 12)
    basic = m.parse_time("20240412", NOW)
    assert basic is not None
    assert basic.local_date(ZoneInfo("America/Los_Angeles")) == date(2024, 4, 12)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.linkedin.com/in/Ada-L/?trk=x", ("https://www.linkedin.com/in/ada-l/", False)),
        ("linkedin.com/in/ada-l", ("https://www.linkedin.com/in/ada-l/", False)),
        (None, (None, False)),
        ("  ", (None, False)),
        ("https://www.linkedin.com/company/acme/", (None, True)),
        ("ftp://nope", (None, True)),
    ],
)
def test_profile_urls(raw: str | None, expected: tuple[str | None, bool]) -> None:
    assert m.profile_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1st", (1, False)),
        ("2nd", (2, False)),
        ("3rd+", (3, False)),
        ("• 2e", (2, False)),
        (None, (None, False)),
    ],
)
def test_degrees(raw: str | None, expected: tuple[int | None, bool]) -> None:
    assert m.degree(raw) == expected


def test_an_unknown_degree_is_flagged() -> None:
    assert m.degree("Out of network") == (None, True)


def test_string_lists() -> None:
    assert m.string_list('["Python", " SQL ", "", null]') == (["Python", "SQL"], False)
    assert m.string_list(
        '[{"name": "French", "proficiency": "native"}, {"language": "English"}, {"x": 1}]'
    ) == (
        ["French", "English"],
        False,
    )
    assert m.string_list('"Go"') == (["Go"], False)
    assert m.string_list("Go, Rust,, ") == (["Go", "Rust"], True)
    assert m.string_list(None) == ([], False)


def test_record_lists() -> None:
    assert m.record_list('[{"company": "Acme"}, "Freelance", null]', "description") == (
        [{"company": "Acme"}, {"description": "Freelance"}],
        False,
    )
    assert m.record_list('{"school": "INSA"}', "school") == ([{"school": "INSA"}], False)
    assert m.record_list("Worked at Acme", "description") == ([{"description": "Worked at Acme"}], True)
    assert m.record_list("", "school") == ([], False)


@pytest.mark.parametrize(
    ("raw", "whole", "real"),
    [
        (6, 6, 6.0),
        ("6", 6, 6.0),
        (" 6.0 ", 6, 6.0),
        ("6.5", None, 6.5),
        ("abc", None, None),
        (None, None, None),
    ],
)
def test_numbers(raw: object, whole: int | None, real: float | None) -> None:
    assert m.whole_number(raw) == whole
    assert m.number(raw) == real


def test_nan_is_not_a_number() -> None:
    assert m.number("nan") is None


@pytest.mark.parametrize(
    ("raw", "default", "expected"),
    [
        (1, False, True),
        ("true", False, True),
        (0, True, False),
        ("no", True, False),
        (None, True, True),
        ("?", False, False),
    ],
)
def test_flags(raw: object, default: bool, expected: bool) -> None:
    assert m.flag(raw, default) is expected


def test_text_strips_and_clips() -> None:
    assert m.text("  Ada  ") == "Ada"
    assert m.text("x" * 300, 200) == "x" * 200
    assert m.text("   ") is None
    assert m.text(None) is None


def test_row_key_ignores_counters_but_not_identity() -> None:
    row = {"id": 1, "name": "Ada", "linkedin_url": None, "created_at": "2024-01-01", "message_count": 1}
    same = m.row_key("contacts", {**row, "message_count": 9, "updated_at": "later"})
    assert m.row_key("contacts", row) == same
    assert m.row_key("contacts", {**row, "id": 2}) != same
    assert m.row_key("blacklist", {"id": 1, "contact_name": "Ada"}) != m.row_key("contacts", row)
    assert m.row_key("contacts", {**row, "name": b"\x00Ada"}).startswith("v1:")


@given(st.text(max_size=40))
def test_parse_time_never_raises(raw: str) -> None:
    parsed = m.parse_time(raw, NOW)
    assert parsed is None or m.EARLIEST <= parsed.at <= NOW + m.FUTURE_SLACK
