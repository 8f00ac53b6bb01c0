"""The blacklist store: matching by URL or folded full name, soft removal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from linkpilot.common.clock import FrozenClock
from linkpilot.common.errors import BadInput
from linkpilot.storage.blacklist import add_entry, is_blacklisted, list_entries, parse_target, remove_entry
from linkpilot.storage.database import Database


async def listed(db: Database, url: str | None, name: str | None) -> bool:
    async with db.session() as session:
        return await is_blacklisted(session, url, name)


async def test_matching_by_url_in_any_decoration(db: Database) -> None:
    async with db.transaction() as session:
        entry, created = await add_entry(
            session, "https://fr.linkedin.com/in/Bob-Smith/?trk=x", reason="spam"
        )
    assert created
    assert (entry.profile_url, entry.name, entry.reason) == (
        "https://www.linkedin.com/in/bob-smith/",
        None,
        "spam",
    )
    assert await listed(db, "http://localhost:8080/in/bob-smith", None)
    assert await listed(db, "linkedin.com/in/BOB-SMITH#about", "Robert Smith")
    assert not await listed(
        db, "linkedin.com/in/bob-smith-2", "Bob Smith"
    )  # a URL entry says nothing of names
    assert not await listed(db, None, None)
    assert not await listed(db, "https://www.linkedin.com/company/acme/", None)


async def test_a_link_that_is_no_profile_still_has_its_name_checked(db: Database) -> None:
    async with db.transaction() as session:
        await add_entry(session, "Bob Smith")
    assert await listed(db, "https://www.linkedin.com/company/acme/", "BOB SMITH")
    assert not await listed(db, "not even a link", "Bob Smithson")


async def test_matching_by_name_ignores_case_accents_and_spacing(db: Database) -> None:
    async with db.transaction() as session:
        await add_entry(session, "  Éloïse   DURAND ")
    for name in ("eloise durand", "ÉLOÏSE DURAND", "Eloïse  Durand", "éloise durand"):
        assert await listed(db, "linkedin.com/in/someone-else", name), name
    for name in ("Eloise", "Eloise Durand-Martin", "Louise Durand", ""):
        assert not await listed(db, None, name), name


async def test_adding_twice_keeps_one_entry(db: Database) -> None:
    async with db.transaction() as session:
        first, created = await add_entry(session, "Zoé Amadou")
        again, created_again = await add_entry(session, "zoe AMADOU", reason="other")
        url_entry, _ = await add_entry(session, "linkedin.com/in/zoe")
        url_again, url_created = await add_entry(session, "https://www.linkedin.com/in/zoe/")
    assert created
    assert not created_again
    assert not url_created
    assert again.id == first.id
    assert url_again.id == url_entry.id
    assert first.name == "Zoé Amadou"


async def test_removal_is_soft_and_stops_matching(db: Database) -> None:
    clock = FrozenClock(datetime(2026, 5, 1, 12, 0, tzinfo=UTC))
    async with db.transaction() as session:
        await add_entry(session, "Zoé Amadou")
        await add_entry(session, "linkedin.com/in/bob-smith")
    async with db.transaction() as session:
        assert await remove_entry(session, "ZOE amadou", clock=clock) == 1
    assert not await listed(db, None, "Zoé Amadou")
    async with db.session() as session:
        active = await list_entries(session)
        everything = await list_entries(session, include_removed=True)
    assert [e.profile_url for e in active] == ["https://www.linkedin.com/in/bob-smith/"]
    removed = next(e for e in everything if e.name)
    assert (removed.active, removed.removed_at) == (False, clock.at)
    async with db.transaction() as session:
        with pytest.raises(BadInput, match="not on the blacklist: 'Zoé Amadou'"):
            await remove_entry(session, "Zoé Amadou")
        # Blacklisting again after a removal makes a new, active entry.
        entry, created = await add_entry(session, "Zoé Amadou")
    assert created
    assert entry.id != removed.id
    assert await listed(db, None, "zoe amadou")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("https://www.linkedin.com/in/ana/", ("https://www.linkedin.com/in/ana/", None)),
        ("www.linkedin.com/in/Ana", ("https://www.linkedin.com/in/ana/", None)),
        ("  Ana   Lima ", (None, "Ana Lima")),
    ],
)
def test_parse_target(target: str, expected: tuple[str | None, str | None]) -> None:
    assert parse_target(target) == expected


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "empty blacklist target"),
        ("   ", "empty blacklist target"),
        ("https://www.linkedin.com/company/acme", "not a profile URL"),
        ("linkedin.com/in/", "not a profile URL"),
        ("x" * 201, "name too long"),
        ("🚫 ✨", "not a usable name"),
    ],
)
def test_parse_target_refuses(target: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        parse_target(target)
