"""The sourcing campaign: page through a people search, then visit, extract and score each person.

Planning reads search pages only (result containers, never ads or suggestions) and skips people
visited in the last `revisit_after_days` and the blacklist. Each page read in a real run spends
one unit of the monthly search budget; a dry run reads the same pages without reserving any
(reading a search page sends nothing and the budget is the real run's to spend).

A visit is recorded once its profile was read. A crash between opening the profile and that
commit leaves the visit unrecorded but its quota unit spent (an abandoned reservation stays
spent); the person is not marked visited, so the next run visits them again and records it.
Opening a profile twice is harmless, and the quota counts both openings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from linkpilot.common.errors import BadInput
from linkpilot.common.text import counted
from linkpilot.common.urls import normalize_profile_url
from linkpilot.engine import faultpoints
from linkpilot.engine.actions.outcomes import (
    NavStatus,
    ProfileData,
    SearchPage,
    VisitOutcome,
    VisitStatus,
)
from linkpilot.engine.campaigns.logic.fit_score import (
    ExperienceEntry,
    FitCriteria,
    FitScore,
    ProfileFacts,
    fit_score,
)
from linkpilot.engine.campaigns.logic.search_url import build_search_url
from linkpilot.engine.campaigns.registry import SOURCING
from linkpilot.engine.campaigns.runner import ActResult, CampaignContext
from linkpilot.engine.campaigns.summary import PlanItem, Skip
from linkpilot.engine.pacing import Pause
from linkpilot.engine.quota.contract import Action, QuotaRefused
from linkpilot.engine.runtime import Runtime
from linkpilot.storage.blacklist import is_blacklisted
from linkpilot.storage.contacts import get_contact_by_url, upsert_contact
from linkpilot.storage.database import Session
from linkpilot.storage.interactions import record_action
from linkpilot.storage.models import Contact, ContactStatus, InteractionKind, InteractionState

SOURCE = SOURCING.name  # contacts it found say so


@dataclass
class Sweep:
    """When to stop paging: `max_pages` read, `stop_after_empty` pages in a row with nobody new,
    no next page, or enough people found for this run (more pages would only spend searches)."""

    max_pages: int
    stop_after_empty: int
    wanted: int
    pages: int = 0
    empty_in_row: int = 0
    found: int = 0
    reason: str = ""

    def record(self, new_people: int) -> None:
        self.pages += 1
        self.found += new_people
        self.empty_in_row = 0 if new_people else self.empty_in_row + 1

    def next_page(self, has_next: bool) -> bool:
        if self.found >= self.wanted:
            self.reason = "enough people for this run"
        elif self.empty_in_row >= self.stop_after_empty:
            self.reason = f"{counted(self.empty_in_row, 'page')} in a row with nobody new"
        elif self.pages >= self.max_pages:
            self.reason = f"max_pages ({self.max_pages}) read"
        elif not has_next:
            self.reason = "last results page"
        else:
            return True
        return False


def profile_facts(profile: ProfileData) -> ProfileFacts:
    return ProfileFacts(
        headline=profile.headline or "",
        about=profile.about or "",
        location=profile.location or "",
        skills=profile.skills,
        experience=tuple(ExperienceEntry(e.title, e.date_text or "") for e in profile.experience),
        open_to_work=profile.open_to_work,
    )


def contact_fields(profile: ProfileData, score: FitScore, now: datetime) -> dict[str, Any]:
    """What a visit writes on the contact (status apart, which depends on what it was)."""
    current = profile.experience[0] if profile.experience else None
    return {
        "name": profile.name,
        "headline": profile.headline,
        "location": profile.location,
        "degree": profile.degree,
        "open_to_work": profile.open_to_work,
        "about": profile.about,
        "job_title": current.title if current else None,
        "company": current.company if current else None,
        "skills": list(profile.skills),
        "languages": list(profile.languages),
        "work_history": [
            {"title": e.title, "company": e.company, "dates": e.date_text, "location": e.location}
            for e in profile.experience
        ],
        "education": [
            {"school": e.school, "degree": e.degree, "dates": e.date_text} for e in profile.education
        ],
        "years_experience": score.years,
        "fit_score": float(score.total),
        "last_visited_at": now,
    }


def visited_recently(contact: Contact | None, now: datetime, revisit_after_days: int) -> bool:
    if contact is None or contact.last_visited_at is None or revisit_after_days <= 0:
        return False
    return contact.last_visited_at > now - timedelta(days=revisit_after_days)


class SourcingCampaign:
    name = SOURCING.name
    action = SOURCING.action
    pause = Pause.VISIT

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.settings = rt.settings.sourcing
        if not self.settings.keywords.strip():
            raise BadInput(
                "sourcing.keywords is empty: set LINKPILOT_SOURCING__KEYWORDS or [sourcing] keywords"
            )
        # Built now so a query LinkedIn would misread stops the run before the browser starts.
        self.first_page_url = self._page_url(1)
        self.criteria = FitCriteria.from_settings(self.settings)

    def run_limit(self, rt: Runtime) -> int:
        return rt.settings.limits.profile_visits.per_run

    def _page_url(self, page: int) -> str:
        return build_search_url(
            self.rt.settings.linkedin_url,
            self.settings.keywords,
            self.settings.titles,
            self.settings.seniority,
            self.settings.profile_languages,
            page,
        )

    async def prepare(self, ctx: CampaignContext) -> None:
        """A visit is one step: nothing can be left half-done by a crash."""

    # Plan -------------------------------------------------------------------------------

    async def plan(self, ctx: CampaignContext) -> tuple[list[PlanItem], list[Skip]]:
        sweep = Sweep(self.settings.max_pages, self.settings.stop_after_empty_pages, self.run_limit(self.rt))
        items: list[PlanItem] = []
        skips: list[Skip] = []
        seen: set[str] = set()
        number = 1
        while True:
            page = await self._read_page(ctx, number)
            if page is None:
                break
            planned, skipped = await screen_results(self.rt, page, seen)
            items += planned
            skips += skipped
            new = len(planned)
            sweep.record(new)
            if not sweep.next_page(page.has_next):
                self.rt.bus.log(
                    "info",
                    f"searched {counted(sweep.pages, 'page')}, {sweep.found} to visit: {sweep.reason}",
                    self.name,
                )
                break
            number += 1
            await ctx.pacing.pause(Pause.VISIT)
        return items, skips

    async def _read_page(self, ctx: CampaignContext, number: int) -> SearchPage | None:
        """One results page, paid from the monthly search budget in real runs; None to stop."""
        url = self.first_page_url if number == 1 else self._page_url(number)
        if ctx.summary.dry_run:
            page = await ctx.actions.read_search_page(url)
            await ctx.check_page()
        else:
            reservation = await self.rt.ledger.reserve(Action.SEARCH, run_id=ctx.summary.run_id)
            if isinstance(reservation, QuotaRefused):
                ctx.summary.stop_detail = reservation.describe()
                self.rt.bus.log("warning", f"no search on page {number}: {reservation.describe()}", self.name)
                return None
            try:
                page = await ctx.actions.read_search_page(url)
            except BaseException:
                await self.rt.ledger.commit(reservation)  # the request may have reached the site
                raise
            if page.navigation.status is NavStatus.NETWORK_ERROR:
                await self.rt.ledger.release(reservation)
            else:
                await self.rt.ledger.commit(reservation)
            await ctx.check_page()
        if page.navigation.ok or number == 1:
            # Results we cannot read stop the run; so does a first page that does not load.
            await ctx.readable(
                f"search results (page {number})", page.navigation, len(page.results), page.unread
            )
            return page
        # A later page that fails ends the search; the people found so far are visited.
        detail = page.navigation.detail or page.navigation.status.value
        await self.rt.breaker.record_failure(f"{self.name}: search page {number}: {detail}")
        self.rt.bus.log("warning", f"search page {number} failed: {detail}", self.name)
        return None

    # Act on one person --------------------------------------------------------------------

    async def act(self, ctx: CampaignContext, item: PlanItem) -> ActResult:
        # Opening the profile is the action LinkedIn counts: from here on the unit is spent.
        ctx.in_flight_spent = True
        faultpoints.reach("before_visit")
        outcome = await ctx.actions.visit_profile(item.slug, item.name or None)
        if outcome.status is VisitStatus.VISITED:
            faultpoints.reach("after_visit_loaded")
        await ctx.check_page()
        if outcome.status is VisitStatus.VISITED and outcome.profile is not None:
            score = await store_visit(self.rt, outcome.profile, self.criteria, ctx.summary.run_id)
            return ActResult("sent", spent=True, detail=f"fit {score.total}")
        await store_failed_visit(self.rt, item, outcome, ctx.summary.run_id)
        navigation = outcome.navigation
        reached = navigation is not None and navigation.status is not NavStatus.NETWORK_ERROR
        return ActResult(
            "failed",
            spent=reached,
            # A person renamed since the search is no sign of trouble; pages we cannot read are.
            trouble=outcome.status is not VisitStatus.WRONG_PERSON,
            detail=f"{outcome.status.value}: {outcome.detail}" if outcome.detail else outcome.status.value,
        )


async def screen_results(rt: Runtime, page: SearchPage, seen: set[str]) -> tuple[list[PlanItem], list[Skip]]:
    """The page's people to visit, and those skipped with why: blacklisted, or visited in the
    last `sourcing.revisit_after_days`. People already in `seen` (from earlier pages) are
    neither; everyone on the page joins it."""
    now = rt.clock()
    planned: list[PlanItem] = []
    skipped: list[Skip] = []
    async with rt.db.session() as session:
        for result in page.results:
            if result.slug in seen:
                continue
            seen.add(result.slug)
            if await is_blacklisted(session, result.url, result.name):
                skipped.append(Skip(result.slug, result.name, "blacklisted"))
                continue
            contact = await get_contact_by_url(session, result.url)
            if visited_recently(contact, now, rt.settings.sourcing.revisit_after_days):
                skipped.append(Skip(result.slug, result.name, "visited_recently"))
                continue
            planned.append(PlanItem(result.slug, result.name, "visit", f"search result on page {page.page}"))
    return planned, skipped


async def store_visit(
    rt: Runtime, profile: ProfileData, criteria: FitCriteria, run_id: int | None
) -> FitScore:
    """What a read profile leaves in storage: the contact with the facts extracted and its fit
    score (a new contact is `visited` from `sourcing`; a `new` one becomes `visited`; any
    other status and source stay), and the visit's interaction, `sent`."""
    now = rt.clock()
    score = fit_score(profile_facts(profile), criteria, rt.today())
    async with rt.db.transaction() as session:
        existing = await get_contact_by_url(session, profile.url)
        fields = contact_fields(profile, score, now)
        if existing is None:
            fields |= {"source": SOURCE, "status": ContactStatus.VISITED.value}
        elif existing.status == ContactStatus.NEW.value:
            fields["status"] = ContactStatus.VISITED.value
        contact, _ = await upsert_contact(session, profile.url, **fields)
        await _record_visit(rt, session, contact.id, run_id, None)
        faultpoints.reach("before_visit_commit")
    return score


async def store_failed_visit(rt: Runtime, item: PlanItem, outcome: VisitOutcome, run_id: int | None) -> None:
    """A visit that read no profile: its interaction, `failed` with why, against the person
    searched, who is kept as a contact (`new`, never marked visited) if they were not one."""
    url = normalize_profile_url(f"/in/{item.slug}/")
    async with rt.db.transaction() as session:
        contact = await get_contact_by_url(session, url)
        if contact is None:
            contact, _ = await upsert_contact(session, url, name=item.name or item.slug, source=SOURCE)
        await _record_visit(rt, session, contact.id, run_id, f"{outcome.status.value}: {outcome.detail}")


async def _record_visit(
    rt: Runtime, session: Session, contact_id: int, run_id: int | None, error: str | None
) -> None:
    await record_action(
        session,
        kind=InteractionKind.VISIT,
        contact_id=contact_id,
        state=InteractionState.SENT if error is None else InteractionState.FAILED,
        run_id=run_id,
        error=None if error is None else error[:500],
        at=rt.clock(),
    )
