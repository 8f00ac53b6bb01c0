"""Sourcing without the browser: paging rules, screening against storage, what a visit stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from linkpilot.common.clock import FrozenClock
from linkpilot.common.errors import BadInput
from linkpilot.common.settings import load_settings
from linkpilot.engine.actions.outcomes import (
    EducationItem,
    ExperienceItem,
    Navigation,
    NavStatus,
    ProfileData,
    SearchPage,
    SearchResult,
    VisitOutcome,
    VisitStatus,
)
from linkpilot.engine.campaigns.sourcing import (
    SourcingCampaign,
    Sweep,
    screen_results,
    store_failed_visit,
    store_visit,
    visited_recently,
)
from linkpilot.engine.campaigns.summary import PlanItem, Skip
from linkpilot.engine.runtime import Runtime, open_runtime
from linkpilot.storage.blacklist import add_entry
from linkpilot.storage.contacts import get_contact_by_url, upsert_contact
from linkpilot.storage.models import Contact, Interaction

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
async def rt(tmp_path: Path) -> AsyncIterator[Runtime]:
    settings = load_settings(
        {},
        home=tmp_path / "home",
        linkedin_url="http://127.0.0.1:9",
        sourcing={"keywords": "Kubernetes OR Terraform", "location_keywords": ["Lyon"]},
    )
    async with open_runtime(settings, clock=FrozenClock(NOW)) as runtime:
        yield runtime


def url(slug: str) -> str:
    return f"https://www.linkedin.com/in/{slug}/"


def result(slug: str, name: str) -> SearchResult:
    return SearchResult(slug, url(slug), name)


def profile(slug: str = "ada-lovelace-1", **changes: Any) -> ProfileData:
    data: dict[str, Any] = {
        "slug": slug,
        "url": url(slug),
        "name": "Ada Lovelace",
        "headline": "Kubernetes & Terraform engineer at Acme",
        "location": "Lyon, Auvergne-Rhône-Alpes",
        "degree": 2,
        "open_to_work": True,
        "about": "Kubernetes and Terraform all day.",
        "experience": (
            ExperienceItem("DevOps Engineer", "Acme", "Jan 2020 - Present · 6 yrs", "Lyon", ()),
            ExperienceItem("Sysadmin", "Initech", "2015 - 2019", None, ()),
        ),
        "education": (EducationItem("INSA Lyon", "Engineer's degree", "2010 - 2015", ()),),
        "skills": ("Kubernetes", "Terraform"),
        "languages": ("French", "English"),
    }
    return ProfileData(**(data | changes))


class TestSweep:
    def test_stops_after_the_configured_run_of_empty_pages(self) -> None:
        sweep = Sweep(max_pages=10, stop_after_empty=2, wanted=50)
        sweep.record(3)
        assert sweep.next_page(has_next=True)
        sweep.record(0)
        assert sweep.next_page(has_next=True)
        sweep.record(0)
        assert not sweep.next_page(has_next=True)
        assert sweep.reason == "2 pages in a row with nobody new"

    def test_a_page_with_someone_new_resets_the_empty_run(self) -> None:
        sweep = Sweep(max_pages=10, stop_after_empty=2, wanted=50)
        for new in (0, 1, 0):
            sweep.record(new)
            assert sweep.next_page(has_next=True)
        assert sweep.empty_in_row == 1

    def test_max_pages_last_page_and_enough_people(self) -> None:
        capped = Sweep(max_pages=2, stop_after_empty=5, wanted=50)
        capped.record(1)
        capped.record(1)
        assert not capped.next_page(has_next=True)
        assert capped.reason == "max_pages (2) read"
        last = Sweep(max_pages=5, stop_after_empty=5, wanted=50)
        last.record(1)
        assert not last.next_page(has_next=False)
        assert last.reason == "last results page"
        enough = Sweep(max_pages=5, stop_after_empty=5, wanted=3)
        enough.record(4)
        assert not enough.next_page(has_next=True)
        assert enough.reason == "enough people for this run"


def test_visited_recently_respects_the_window() -> None:
    contact = Contact(name="x", last_visited_at=NOW - dt.timedelta(days=29))
    assert visited_recently(contact, NOW, 30)
    assert not visited_recently(contact, NOW, 29)
    assert not visited_recently(contact, NOW, 0)  # 0 switches the rule off
    assert not visited_recently(Contact(name="y"), NOW, 30)
    assert not visited_recently(None, NOW, 30)


async def test_no_keywords_is_refused_before_any_browser(tmp_path: Path) -> None:
    settings = load_settings({}, home=tmp_path / "home", linkedin_url="http://127.0.0.1:9")
    async with open_runtime(settings) as runtime:
        with pytest.raises(BadInput, match=r"sourcing\.keywords is empty"):
            SourcingCampaign(runtime)
    bad = load_settings(
        {}, home=tmp_path / "home", linkedin_url="http://127.0.0.1:9", sourcing={"keywords": '"rust'}
    )
    async with open_runtime(bad) as runtime:
        with pytest.raises(BadInput, match="unbalanced quote"):
            SourcingCampaign(runtime)


async def test_first_page_url_carries_the_query(rt: Runtime) -> None:
    campaign = SourcingCampaign(rt)
    assert campaign.first_page_url.startswith("http://127.0.0.1:9/search/results/people/?keywords=")
    assert "Kubernetes%20OR%20Terraform" in campaign.first_page_url
    assert campaign.run_limit(rt) == rt.settings.limits.profile_visits.per_run


async def test_screen_skips_blacklisted_recent_and_repeated_people(rt: Runtime) -> None:
    async with rt.db.transaction() as session:
        await add_entry(session, url("blocked-1"))
        await upsert_contact(
            session, url("recent-1"), name="Recent One", last_visited_at=NOW - dt.timedelta(days=3)
        )
        await upsert_contact(
            session, url("stale-1"), name="Stale One", last_visited_at=NOW - dt.timedelta(days=45)
        )
    page = SearchPage(
        Navigation(NavStatus.OK, "http://x/"),
        2,
        (
            result("blocked-1", "Blocked One"),
            result("recent-1", "Recent One"),
            result("stale-1", "Stale One"),
            result("fresh-1", "Fresh One"),
            result("fresh-1", "Fresh One"),
        ),
    )
    seen: set[str] = {"seen-before"}
    items, skips = await screen_results(rt, page, seen)
    assert [(i.slug, i.reason) for i in items] == [
        ("stale-1", "search result on page 2"),
        ("fresh-1", "search result on page 2"),
    ]
    assert skips == [
        Skip("blocked-1", "Blocked One", "blacklisted"),
        Skip("recent-1", "Recent One", "visited_recently"),
    ]
    # The same people on a later page are neither new nor skipped twice.
    assert await screen_results(rt, page, seen) == ([], [])
    assert seen == {"seen-before", "blocked-1", "recent-1", "stale-1", "fresh-1"}


async def test_a_visit_stores_the_extracted_profile_with_its_score(rt: Runtime) -> None:
    score = await store_visit(rt, profile(), SourcingCampaign(rt).criteria, run_id=None)
    assert score.years == pytest.approx(11.9, abs=0.05)  # all of 2015-2019, then January 2020 to today
    async with rt.db.session() as session:
        contact = await get_contact_by_url(session, url("ada-lovelace-1"))
        assert contact is not None
        interactions = (await session.execute(select(Interaction))).scalars().all()
    assert contact.fit_score == score.total == 100  # every term in the headline, 5+ years, Lyon, open to work
    assert contact.status == "visited"
    assert contact.source == "sourcing"
    assert contact.last_visited_at == NOW
    assert contact.job_title == "DevOps Engineer"
    assert contact.company == "Acme"
    assert contact.skills == ["Kubernetes", "Terraform"]
    assert contact.languages == ["French", "English"]
    assert contact.work_history[1] == {
        "title": "Sysadmin",
        "company": "Initech",
        "dates": "2015 - 2019",
        "location": None,
    }
    assert contact.education == [
        {"school": "INSA Lyon", "degree": "Engineer's degree", "dates": "2010 - 2015"}
    ]
    assert [(i.kind, i.state, i.contact_id) for i in interactions] == [("visit", "sent", contact.id)]


async def test_a_visit_keeps_a_contact_status_and_source_it_already_had(rt: Runtime) -> None:
    async with rt.db.transaction() as session:
        await upsert_contact(session, url("ada-lovelace-1"), name="Ada L.", status="connected", source="csv")
    criteria = SourcingCampaign(rt).criteria
    score = await store_visit(rt, profile(open_to_work=False, location="Paris"), criteria, run_id=None)
    assert score.total < 100
    async with rt.db.session() as session:
        contact = await get_contact_by_url(session, url("ada-lovelace-1"))
    assert contact is not None
    assert (contact.status, contact.source, contact.name) == ("connected", "csv", "Ada Lovelace")
    assert contact.fit_score == score.total


async def test_a_failed_visit_is_recorded_against_the_person_searched(rt: Runtime) -> None:
    item = PlanItem("gone-1", "Gone Person", "visit", "r")
    outcome = VisitOutcome(VisitStatus.WRONG_PERSON, "gone-1", detail="name_mismatch: page shows 'Other'")
    await store_failed_visit(rt, item, outcome, run_id=None)
    async with rt.db.session() as session:
        contact = await get_contact_by_url(session, url("gone-1"))
        rows = (await session.execute(select(Interaction))).scalars().all()
    assert contact is not None
    assert contact.status == "new"
    assert contact.last_visited_at is None
    assert [(r.kind, r.state, r.error) for r in rows] == [
        ("visit", "failed", "wrong_person: name_mismatch: page shows 'Other'")
    ]
