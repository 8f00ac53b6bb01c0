"""The sourcing campaign, as the owner runs it: exactly whose profiles were opened, per the site's record."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from linkpilot.common.settings import load_settings
from linkpilot.engine import faultpoints
from linkpilot.engine.campaigns.logic.fit_score import ExperienceEntry, FitCriteria, ProfileFacts, fit_score
from linkpilot.sandbox import SandboxConfig, build_world
from linkpilot.sandbox.data import Person
from linkpilot.sandbox.search import Query

from .conftest import TODAY, ZONE, Operator, Site, make_operator

pytestmark = pytest.mark.slow

KEYWORDS = "Sales"  # 11 people in the practice world: two result pages of 10
LOCATIONS = ["France"]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def world_people() -> dict[str, Person]:
    world = build_world(SandboxConfig(seed=7, today=dt.date.fromisoformat(TODAY), timezone=ZONE))
    return world.by_slug


def search_results(keywords: str) -> list[str]:
    """The people the site lists for these keywords, in its result order."""
    query = Query.from_params({"keywords": keywords})
    found = [p for p in world_people().values() if query.matches(p)]
    return [p.slug for p in sorted(found, key=lambda p: (p.degree, p.full_name, p.slug))]


def expected_score(person: Person) -> tuple[int, float]:
    """The fit score from the world's own data, not from what the browser read off the page."""

    def month(point: tuple[int, int]) -> str:
        return f"{MONTHS[point[1] - 1]} {point[0]}"

    facts = ProfileFacts(
        headline=person.headline,
        about=person.about,
        location=person.location,
        skills=person.skills,
        experience=tuple(
            ExperienceEntry(e.title, f"{month(e.start)} - {month(e.end) if e.end else 'Present'}")
            for e in person.experience
        ),
        open_to_work=person.open_to_work,
    )
    settings = load_settings({}, sourcing={"keywords": KEYWORDS, "location_keywords": LOCATIONS})
    # The product's today: the site and every `linkpilot` of these tests run on the moved clock.
    today = dt.date.fromisoformat(TODAY)
    score = fit_score(facts, FitCriteria.from_settings(settings.sourcing), today)
    return score.total, score.years


def visits(site: Site) -> list[str]:
    return list(site.admin("record")["visits"])


def searches(site: Site) -> list[dict[str, Any]]:
    return list(site.admin("record")["searches"])


def rows(home: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(home / "linkpilot.db") as conn:
        return conn.execute(sql).fetchall()


def sourcing_operator(tmp_path: Path, site: Site, *, per_run: int = 50, **extra: str) -> Operator:
    operator = make_operator(tmp_path, site)
    operator.env |= {
        "LINKPILOT_SOURCING__KEYWORDS": KEYWORDS,
        "LINKPILOT_SOURCING__LOCATION_KEYWORDS": json.dumps(LOCATIONS),
        "LINKPILOT_LIMITS__PROFILE_VISITS__PER_RUN": str(per_run),
        **extra,
    }
    return operator


def test_dry_run_reads_the_search_and_visits_no_one(tmp_path: Path, site_en: Site) -> None:
    operator = sourcing_operator(tmp_path, site_en)
    code, summary = operator.run_json("run", "sourcing", "--dry-run")
    assert code == 0, summary
    assert [item["slug"] for item in summary["plan"]] == search_results(KEYWORDS)
    assert all(item["action"] == "visit" and item["reason"] for item in summary["plan"])
    assert [s["page"] for s in searches(site_en)] == [1, 2]
    assert visits(site_en) == []
    # Reading the search is free in a dry run: not even the monthly search budget moves.
    actions = summary["quota"]["actions"]
    assert actions["profile_visit"]["day_used"] == 0
    assert actions["search"]["month_used"] == 0
    assert rows(operator.home, "SELECT count(*) FROM quota_events") == [(0,)]
    assert rows(operator.home, "SELECT count(*) FROM contacts") == [(0,)]
    assert rows(operator.home, "SELECT count(*) FROM interactions") == [(0,)]


def test_real_run_visits_exactly_the_results_and_stores_scored_contacts(tmp_path: Path, site: Site) -> None:
    operator = sourcing_operator(tmp_path, site)
    expected = search_results(KEYWORDS)
    blocked = expected[3]
    listed = operator.run("blacklist", "add", f"https://www.linkedin.com/in/{blocked}/")
    assert listed.returncode == 0, listed.stderr
    code, summary = operator.run_json("run", "sourcing")
    assert code == 0, summary
    wanted = [slug for slug in expected if slug != blocked]
    # Only result links were followed: never the ad, the suggestions or the blacklisted person.
    assert visits(site) == wanted
    assert summary["counts"]["sent"] == len(wanted)
    assert summary["counts"]["skipped"] == {"blacklisted": 1}
    assert summary["quota"]["actions"]["profile_visit"]["day_used"] == len(wanted)
    assert summary["quota"]["actions"]["search"]["month_used"] == 2
    stored = {
        url.split("/")[-2]: (score, years, status, source, visited)
        for url, score, years, status, source, visited in rows(
            operator.home,
            "SELECT profile_url, fit_score, years_experience, status, source, last_visited_at FROM contacts",
        )
    }
    assert set(stored) == set(wanted)
    people = world_people()
    for slug in wanted:
        score, years, status, source, visited = stored[slug]
        assert (score, years) == expected_score(people[slug]), slug
        assert (status, source) == ("visited", "sourcing")
        assert visited is not None
    assert len({score for score, *_ in stored.values()}) > 2  # the score tells people apart
    assert rows(operator.home, "SELECT kind, state, count(*) FROM interactions GROUP BY kind, state") == [
        ("visit", "sent", len(wanted))
    ]
    # Everyone was just visited: the next run reads two pages with nobody new and stops.
    code, again = operator.run_json("run", "sourcing")
    assert code == 0, again
    assert again["stopped"]["reason"] == "nothing_to_do"
    assert again["counts"]["skipped"] == {"blacklisted": 1, "visited_recently": len(wanted)}
    assert visits(site) == wanted
    assert [s["page"] for s in searches(site)] == [1, 2, 1, 2]


def test_per_run_cap_stops_paging_and_visiting(tmp_path: Path, site_en: Site) -> None:
    operator = sourcing_operator(tmp_path, site_en, per_run=3)
    code, summary = operator.run_json("run", "sourcing")
    assert code == 0, summary
    first_page = search_results(KEYWORDS)[:10]
    assert [item["slug"] for item in summary["plan"]] == first_page[:3]
    assert summary["counts"]["skipped"] == {"over_run_cap": 7}
    # Three people found are enough for this run: page 2 is not searched.
    assert [s["page"] for s in searches(site_en)] == [1]
    assert visits(site_en) == first_page[:3]


def test_checkpoint_mid_run_stops_with_exit_4_and_the_next_run_refuses(tmp_path: Path, site_en: Site) -> None:
    operator = sourcing_operator(tmp_path, site_en)
    site_en.admin("faults", {"checkpoint_after_actions": 2})
    code, summary = operator.run_json("run", "sourcing")
    assert code == 4, summary
    assert summary["stopped"]["reason"] == "checkpoint"
    assert summary["breaker"]["hard"] is True
    assert visits(site_en) == search_results(KEYWORDS)[:2]
    site_en.admin("faults", {"checkpoint_after_actions": None})
    code, refused = operator.run_json("run", "sourcing")
    assert code == 4
    assert refused["stopped"]["reason"] == "breaker_open"
    assert len(visits(site_en)) == 2
    assert len(searches(site_en)) == 2  # the refused run did not even search


@pytest.mark.parametrize("point", faultpoints.VISIT_POINTS)
def test_sigkill_at_each_step_of_a_visit_leaves_site_quota_and_storage_agreeing(
    tmp_path: Path, site_en: Site, point: str
) -> None:
    operator = sourcing_operator(tmp_path, site_en, per_run=3)
    results = search_results(KEYWORDS)
    killed = operator.run("run", "sourcing", crash_at=f"{point}:2")
    assert killed.returncode == -9, killed.stderr
    # The second person's profile was opened unless the kill came before opening it.
    opened = point != "before_visit"
    assert visits(site_en) == results[: 2 if opened else 1]
    # Only the first visit was committed: the second is on the site (or not) but not stored.
    assert rows(operator.home, "SELECT profile_url FROM contacts WHERE last_visited_at IS NOT NULL") == [
        (f"https://www.linkedin.com/in/{results[0]}/",)
    ]
    assert rows(operator.home, "SELECT kind, state, count(*) FROM interactions GROUP BY kind, state") == [
        ("visit", "sent", 1)
    ]

    code, summary = operator.run_json("run", "sourcing")
    assert code == 0, summary
    # The cut-off person was never marked visited, so the restart visits them (again) first.
    assert [item["slug"] for item in summary["plan"]] == results[1:4]
    site_visits = visits(site_en)
    assert site_visits == results[: 2 if opened else 1] + results[1:4]
    repeated = {slug for slug, n in Counter(site_visits).items() if n > 1}
    assert repeated == ({results[1]} if opened else set())
    # Nothing visited and unrecorded: everyone the site saw is stored, visited once per person.
    stored = {
        url.split("/")[-2]
        for (url,) in rows(
            operator.home, "SELECT profile_url FROM contacts WHERE last_visited_at IS NOT NULL"
        )
    }
    assert stored == set(site_visits)
    assert rows(operator.home, "SELECT kind, state, count(*) FROM interactions GROUP BY kind, state") == [
        ("visit", "sent", len(set(site_visits)))
    ]
    # The quota counts every opening the site saw; the killed run's reservation stays spent (the
    # ledger cannot know it never reached the site), so a kill before opening costs one unit.
    used = summary["quota"]["actions"]["profile_visit"]["day_used"]
    assert used == len(site_visits) + (0 if opened else 1)
    assert rows(
        operator.home,
        "SELECT state, count(*) FROM quota_events WHERE action = 'profile_visit' GROUP BY state",
    ) == [("committed", used - 1), ("reserved", 1)]
