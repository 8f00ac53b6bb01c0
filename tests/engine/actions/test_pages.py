"""Reading pages: profiles, the birthday page, people search, sent invitations, and withdrawing."""

from __future__ import annotations

import pytest

from linkpilot.common.urls import normalize_profile_url
from linkpilot.engine.actions import IdentityStatus, NavStatus, VisitStatus, WithdrawStatus
from linkpilot.sandbox.i18n import Texts
from tests.engine.conftest import GENERATIONS
from tests.engine.livesite import Live
from tests.practice_site import people_search_path

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.parametrize("sandbox", GENERATIONS, indirect=True),
]


async def test_visit_extracts_the_whole_profile(live: Live) -> None:
    person = next(p for p in live.people if p.open_to_work and len(p.experience) > 1)
    outcome = await live.actions.visit_profile(person.slug, person.full_name)
    assert outcome.status is VisitStatus.VISITED, outcome.detail
    data = outcome.profile
    assert data is not None
    assert (data.slug, data.name) == (person.slug, person.full_name)
    assert data.url == normalize_profile_url(f"https://x/in/{person.slug}/")
    assert data.headline == person.headline
    assert data.location == person.location
    assert data.degree == person.degree
    assert data.open_to_work
    assert data.about == person.about
    assert [e.title for e in data.experience] == [e.title for e in person.experience]
    assert [e.company for e in data.experience] == [e.company for e in person.experience]
    assert [e.location for e in data.experience] == [e.location for e in person.experience]
    texts = Texts(live.site.state.config.language)
    for item, exp in zip(data.experience, person.experience, strict=True):
        assert item.date_text is not None
        assert item.date_text.startswith(texts.month_year(*exp.start))
        if exp.end is None:
            assert texts("present") in item.date_text
    assert [(e.school, e.degree) for e in data.education] == [(e.school, e.degree) for e in person.education]
    assert data.education[0].date_text == f"{person.education[0].start_year} - {person.education[0].end_year}"
    assert data.skills == person.skills
    assert data.languages == tuple(name for name, _level in person.languages)
    assert live.site.state.record.visits == [person.slug]


async def test_visit_reads_degree_and_closed_to_work(live: Live) -> None:
    person = next(p for p in live.people if not p.open_to_work and p.degree == 3)
    outcome = await live.actions.visit_profile(person.slug)
    assert outcome.profile is not None
    assert outcome.profile.degree == 3
    assert not outcome.profile.open_to_work


async def test_open_profile_checks_the_identity(live: Live) -> None:
    first, second = live.cast("homonym")
    opened = await live.actions.open_profile(first.slug, "Marie Martin")
    assert opened.ok
    assert (opened.identity, opened.final_slug, opened.shown_name) == (
        IdentityStatus.MATCH,
        first.slug,
        "Marie Martin",
    )
    other = await live.actions.open_profile(second.slug, "Sophie Durand")
    assert other.identity is IdentityStatus.NAME_MISMATCH
    assert not other.ok
    wrong = await live.actions.visit_profile(second.slug, "Sophie Durand")
    assert wrong.status is VisitStatus.WRONG_PERSON
    assert wrong.profile is None
    # A profile URL that redirects elsewhere is not the person asked for.
    moved = await live.actions.open_profile("nobody-000000")
    assert moved.navigation.status is NavStatus.NOT_FOUND
    missing = await live.actions.visit_profile("nobody-000000")
    assert missing.status is VisitStatus.NAVIGATION_FAILED


async def test_visit_on_a_checkpoint_is_blocked(live: Live) -> None:
    live.site.state.faults.checkpoint_after_actions = 0
    outcome = await live.actions.visit_profile(live.people[0].slug)
    assert outcome.status is VisitStatus.NAVIGATION_FAILED
    assert outcome.navigation is not None
    assert outcome.navigation.status is NavStatus.BLOCKED


async def test_birthday_page_lists_every_card_after_scrolling(live: Live) -> None:
    expected = live.site.state.world.birthday_cards()
    assert len(expected) > live.site.state.config.birthday_batch  # lazy loading is exercised
    page = await live.actions.read_birthday_page()
    assert page.navigation.ok
    assert [c.slug for c in page.cards] == [p.slug for p, _days in expected]
    assert [c.name for c in page.cards] == [p.full_name for p, _days in expected]
    assert [c.is_first_degree for c in page.cards] == [p.degree == 1 for p, _days in expected]
    texts = Texts(live.site.state.config.language)
    by_slug = {c.slug: c for c in page.cards}
    (thierry,) = live.cast("thierry")
    assert by_slug[thierry.slug].status_text == texts("bday_days", n=5)
    for person, days in expected:
        if days == 0:
            assert by_slug[person.slug].status_text == texts("bday_today")
    assert page.passes >= 3


async def test_birthday_page_http_500(live: Live) -> None:
    live.site.state.faults.http_500 = 1
    page = await live.actions.read_birthday_page()
    assert page.navigation.status is NavStatus.HTTP_ERROR
    assert page.cards == ()


async def test_search_takes_profile_links_from_results_only(live: Live) -> None:
    first = await live.actions.read_search_page(people_search_path())
    assert first.navigation.ok
    served = live.site.state.record.searches[-1]
    assert served["page"] == 1
    assert [r.slug for r in first.results] == served["results"]
    assert len(first.results) == live.site.state.config.search_page_size
    for result in first.results:
        assert result.url == f"https://www.linkedin.com/in/{result.slug}/"
        assert result.name == live.person(result.slug).full_name
    assert first.has_next
    assert first.next_url is not None
    assert "page=2" in first.next_url
    second = await live.actions.read_search_page(first.next_url)
    assert second.page == 2
    assert [r.slug for r in second.results] == live.site.state.record.searches[-1]["results"]
    assert not {r.slug for r in second.results} & {r.slug for r in first.results}
    # The last page has no next page.
    pages = -(-len(live.people) // live.site.state.config.search_page_size)
    last = await live.actions.read_search_page(people_search_path(page=pages))
    assert last.results
    assert not last.has_next
    assert last.next_url is None


async def test_search_with_no_results(live: Live) -> None:
    page = await live.actions.read_search_page(people_search_path("zzzzqqqq"))
    assert page.navigation.ok
    assert page.results == ()
    assert not page.has_next


async def test_sent_invitations_and_withdraw_one(live: Live) -> None:
    world = live.site.state.world
    listing = await live.actions.read_sent_invitations()
    assert listing.navigation.ok
    assert [(i.slug, i.name) for i in listing.invitations] == [(i.slug, i.name) for i in world.invitations]
    texts = Texts(live.site.state.config.language)
    today = live.site.state.today
    for shown, invitation in zip(listing.invitations, world.invitations, strict=True):
        assert shown.age_text == texts.sent_ago((today - invitation.sent_on).days)
        assert shown.sent_on == invitation.sent_on.isoformat()
    oldest = world.invitations[-1]
    outcome = await live.actions.withdraw_invitation(oldest.slug, oldest.name)
    assert outcome.status is WithdrawStatus.WITHDRAWN, outcome.detail
    assert outcome.clicked_confirm
    assert live.site.state.record.withdrawals == [oldest.slug]
    again = await live.actions.read_sent_invitations()
    assert oldest.slug not in {i.slug for i in again.invitations}
    assert len(again.invitations) == len(world.invitations) - 1
    gone = await live.actions.withdraw_invitation(oldest.slug)
    assert gone.status is WithdrawStatus.NOT_FOUND
    assert live.site.state.record.withdrawals == [oldest.slug]


async def test_withdraw_refuses_a_confirmation_naming_someone_else(live: Live) -> None:
    invitation = live.site.state.world.invitations[0]
    outcome = await live.actions.withdraw_invitation(invitation.slug, "Someone Else")
    assert outcome.status is WithdrawStatus.WRONG_PERSON
    assert not outcome.clicked_confirm
    assert live.site.state.record.withdrawals == []
    # The dialog was cancelled and the card is still there.
    assert await live.page.locator("[role=dialog]").count() == 0
    listing = await live.actions.read_sent_invitations()
    assert invitation.slug in {i.slug for i in listing.invitations}


async def test_withdraw_with_an_http_500(live: Live) -> None:
    live.site.state.faults.http_500 = 1
    outcome = await live.actions.withdraw_invitation(live.site.state.world.invitations[0].slug)
    assert outcome.status is WithdrawStatus.NAVIGATION_FAILED
    assert outcome.navigation is not None
    assert outcome.navigation.http_status == 500
    assert live.site.state.record.withdrawals == []
