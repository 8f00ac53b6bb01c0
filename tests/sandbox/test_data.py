"""The sample world is deterministic and holds every case the engine must handle."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from linkpilot.sandbox import SandboxConfig, birthday_in_year, build_world, days_since_birthday
from linkpilot.sandbox.i18n import Texts
from linkpilot.sandbox.markup import Markup, hashed_class

TODAY = dt.date(2026, 11, 26)


def test_same_seed_same_world() -> None:
    first = build_world(SandboxConfig(seed=7, today=TODAY))
    second = build_world(SandboxConfig(seed=7, today=TODAY))
    assert first.people == second.people
    assert first.invitations == second.invitations
    assert first.threads == second.threads
    other = build_world(SandboxConfig(seed=8, today=TODAY))
    assert [p.slug for p in other.people] != [p.slug for p in first.people]


def test_birthday_page_cast() -> None:
    world = build_world(SandboxConfig(today=TODAY))
    cards = world.birthday_cards()
    days = [d for _, d in cards]
    assert days == sorted(days)
    first_degree = [(p, d) for p, d in cards if p.degree == 1]
    assert sum(1 for _, d in first_degree if d == 0) >= 3
    assert {1, 2, *range(3, 13)} <= {d for _, d in first_degree}
    assert any(d > 10 for _, d in first_degree)
    assert any(p.degree == 2 for p, _ in cards)
    assert any(p.degree == 3 for p, _ in cards)
    homonyms = [p for p, _ in first_degree if p.full_name == "Marie Martin"]
    assert len(homonyms) == 2
    assert homonyms[0].slug != homonyms[1].slug
    thierry = [(p, d) for p, d in cards if p.first_name == "Thierry"]
    assert len(thierry) == 1
    assert thierry[0][1] > 2
    assert any(p.birth_month == 2 and p.birth_day == 29 for p in world.people)


def test_threads_include_a_wish_already_sent_this_year() -> None:
    # Far from UTC, "this morning" is another UTC date: thread times are the member's local times.
    world = build_world(SandboxConfig(today=TODAY, timezone="Pacific/Auckland"))
    wished = next(p for p in world.people if p.role == "already-wished")
    assert days_since_birthday(wished.birth_month, wished.birth_day, TODAY) == 0
    auckland = ZoneInfo("Pacific/Auckland")
    assert any(
        m.sender == "me" and m.at.astimezone(auckland).date() == TODAY for m in world.threads[wished.slug]
    )
    last_year = next(p for p in world.people if p.role == "wished-last-year")
    assert all(m.at.year < TODAY.year for m in world.threads[last_year.slug])


def test_invitation_ages_spread_from_days_to_years() -> None:
    world = build_world(SandboxConfig(today=TODAY))
    ages = sorted((TODAY - inv.sent_on).days for inv in world.invitations)
    assert ages[0] < 7
    assert ages[-1] > 365
    assert all(world.by_slug[inv.slug].degree != 1 for inv in world.invitations)


def test_year_boundary_lists_december_birthdays_in_january() -> None:
    world = build_world(SandboxConfig(today=dt.date(2027, 1, 3)))
    cards = world.birthday_cards()
    assert any(p.birth_month == 12 for p, _ in cards)
    assert all(d <= 14 for _, d in cards)


def test_leap_day_birthday_falls_on_28_february() -> None:
    assert birthday_in_year(2, 29, 2027) == dt.date(2027, 2, 28)
    assert birthday_in_year(2, 29, 2028) == dt.date(2028, 2, 29)
    assert days_since_birthday(2, 29, dt.date(2027, 3, 1)) == 1
    world = build_world(SandboxConfig(today=dt.date(2027, 3, 1)))
    leap = next(p for p in world.people if p.role == "leap-day")
    assert (leap, 1) in world.birthday_cards()


def test_demo_size_world_builds_fast() -> None:
    start = time.perf_counter()
    world = build_world(SandboxConfig(today=TODAY, people=3000))
    assert time.perf_counter() - start < 5
    assert len({p.slug for p in world.people}) == 3000
    assert len({p.full_name for p in world.people if p.role != "homonym"}) == 3000 - 2
    assert 20 < len(world.birthday_cards()) < 300


@pytest.mark.parametrize(
    ("language", "days", "expected"),
    [
        ("en", 0, "Birthday today"),
        ("en", 1, "Birthday yesterday"),
        ("en", 3, "Birthday 3 days ago"),
        ("en", 9, "Birthday on Nov 17"),
        ("fr", 0, "Anniversaire aujourd’hui"),
        ("fr", 1, "Anniversaire hier"),
        ("fr", 2, "Anniversaire avant-hier"),
        ("fr", 5, "Anniversaire il y a 5 jours"),
        ("fr", 9, "Anniversaire le 17 nov."),
    ],
)
def test_birthday_status_lines(language: str, days: int, expected: str) -> None:
    assert Texts(language).birthday_status(days, TODAY - dt.timedelta(days=days)) == expected


@pytest.mark.parametrize(
    ("language", "days", "expected"),
    [
        ("en", 0, "Sent today"),
        ("en", 1, "Sent 1 day ago"),
        ("en", 15, "Sent 2 weeks ago"),
        ("en", 95, "Sent 3 months ago"),
        ("en", 800, "Sent 2 years ago"),
        ("fr", 3, "Envoyée il y a 3 jours"),
        ("fr", 8, "Envoyée il y a 1 semaine"),
        ("fr", 95, "Envoyée il y a 3 mois"),
        ("fr", 400, "Envoyée il y a 1 an"),
    ],
)
def test_invitation_ages(language: str, days: int, expected: str) -> None:
    assert Texts(language).sent_ago(days) == expected


def test_hashed_markup_hides_class_names_consistently() -> None:
    hashed = Markup("hashed")
    assert hashed.cls("msg-form__send-button artdeco-button") == (
        f'class="{hashed_class("msg-form__send-button")} {hashed_class("artdeco-button")}"'
    )
    assert hashed.view("people-search-result") == ""
    assert (
        hashed.css(".visually-hidden { width: 1.5px }")
        == f".{hashed_class('visually-hidden')} {{ width: 1.5px }}"
    )
    assert Markup("classic").cls("a b") == 'class="a b"'


def test_config_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="language"):
        SandboxConfig(language="de", today=TODAY)  # type: ignore[arg-type]
