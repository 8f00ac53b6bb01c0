"""The contacts repository against a real, migrated SQLite file: upsert, search, first names."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from linkpilot.common.errors import BadInput
from linkpilot.storage.contacts import (
    ContactFilters,
    first_name_of,
    get_contact_by_url,
    page_contacts,
    split_name,
    upsert_contact,
)
from linkpilot.storage.database import Database
from linkpilot.storage.models import Contact


async def test_upsert_keys_on_the_normalised_url(db: Database) -> None:
    async with db.transaction() as session:
        first, created = await upsert_contact(
            session, "https://fr.linkedin.com/in/Eloise-Durand/?trk=abc#top", name="Éloïse Durand", degree=1
        )
        assert created
        again, created_again = await upsert_contact(
            session, "linkedin.com/in/eloise-durand", headline="Data engineer"
        )
        assert not created_again
        assert again.id == first.id
    async with db.session() as session:
        rows = list((await session.execute(select(Contact))).scalars())
    assert len(rows) == 1
    contact = rows[0]
    assert contact.profile_url == "https://www.linkedin.com/in/eloise-durand/"
    # The update wrote the headline and left what it was not told about.
    assert (contact.name, contact.degree, contact.headline) == ("Éloïse Durand", 1, "Data engineer")
    assert contact.first_name == "Éloïse"
    assert contact.name_key == "eloise durand"


async def test_upsert_refuses_a_nameless_new_contact_and_unknown_fields(db: Database) -> None:
    async with db.transaction() as session:
        with pytest.raises(BadInput, match="needs a name"):
            await upsert_contact(session, "linkedin.com/in/nobody", headline="x")
        with pytest.raises(ValueError, match="not contact fields: name_key"):
            await upsert_contact(session, "linkedin.com/in/nobody", name="A", name_key="b")
        with pytest.raises(BadInput, match="not a profile URL"):
            await upsert_contact(session, "https://linkedin.com/company/acme", name="Acme")


async def test_a_derived_first_name_follows_the_name_and_a_chosen_one_stays(db: Database) -> None:
    async with db.transaction() as session:
        await upsert_contact(session, "linkedin.com/in/aaa", name="Bob Smith")
        await upsert_contact(session, "linkedin.com/in/bbb", name="Robert Jones", first_name="Bobby")
    async with db.transaction() as session:
        renamed, _ = await upsert_contact(session, "linkedin.com/in/aaa", name="Roberta Smith")
        kept, _ = await upsert_contact(session, "linkedin.com/in/bbb", name="Robert Jones-Hill")
        assert renamed.first_name == "Roberta"
        assert kept.first_name == "Bobby"
    async with db.session() as session:
        b = await get_contact_by_url(session, "https://www.linkedin.com/in/bbb/")
        assert b is not None
        assert (b.name_key, b.search_text) == ("robert jones-hill", " robert jones hill")


async def test_search_is_case_and_accent_blind_and_matches_word_prefixes(db: Database) -> None:
    async with db.transaction() as session:
        await upsert_contact(
            session, "linkedin.com/in/eee", name="Éloïse Durand", headline="Développeuse Python"
        )
        await upsert_contact(
            session, "linkedin.com/in/jjj", name="Jean-Pierre Dupont", headline="CTO at Acme"
        )
        await upsert_contact(session, "linkedin.com/in/mmm", name="Marc Lepic", headline="100% remote_worker")
        await upsert_contact(session, "linkedin.com/in/zzz", name="Zoé Amadou", headline="Product")

    async def names(text: str) -> list[str]:
        async with db.session() as session:
            page = await page_contacts(session, filters=ContactFilters(search=text))
            return [c.name for c in page.contacts]

    assert await names("ELOI") == ["Éloïse Durand"]
    assert await names("dév") == ["Éloïse Durand"]
    assert await names("dup") == ["Jean-Pierre Dupont"]
    assert await names("pierre") == ["Jean-Pierre Dupont"]  # a word after a hyphen
    assert await names("jea dup") == ["Jean-Pierre Dupont"]  # every word must match
    assert await names("jean python") == []
    assert await names("ura") == []  # prefixes of words, not any substring
    assert await names("d") == ["Éloïse Durand", "Jean-Pierre Dupont"]  # ordered by folded name
    # LIKE wildcards typed by the user are plain characters.
    assert await names("remote_w") == ["Marc Lepic"]
    assert await names("remote%") == ["Marc Lepic"]  # punctuation is not a word
    assert await names("re_ote") == []
    # Blank, or punctuation alone, is no word: no search at all (everyone is shown).
    everyone = ["Éloïse Durand", "Jean-Pierre Dupont", "Marc Lepic", "Zoé Amadou"]
    assert await names("   ") == everyone
    assert await names("%") == everyone


async def test_core_inserts_fill_the_search_keys_too(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(
            insert(Contact), [{"name": "Çà Va", "headline": "Hé ho"}, {"name": "Ünal", "headline": None}]
        )
    async with db.session() as session:
        rows = (
            await session.execute(select(Contact.name_key, Contact.search_text).order_by(Contact.id))
        ).all()
    assert rows == [("ca va", " ca va he ho"), ("unal", " unal")]


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("Éloïse Durand", "Éloïse", "Durand"),
        ("Dr. Jean-Pierre de la Tour, PhD", "Jean-Pierre", "de la Tour"),
        ("Mme Claire Martin", "Claire", "Martin"),
        ("DURAND Éloïse", "Éloïse", "DURAND"),
        ("JOHN SMITH", "John", "SMITH"),
        ("JEAN-PIERRE MARTIN", "Jean-Pierre", "MARTIN"),
        ("J. Smith", None, "Smith"),
        ("Robert (Bob) Smith", "Robert", "Smith"),
        ("🚀 Anna Lee (she/her)", "Anna", "Lee"),
        ("Madonna", "Madonna", None),
        ("Dr.", "Dr", None),
        ("", None, None),
        ("🚀 ✨", None, None),
    ],
)
def test_split_name(name: str, first: str | None, last: str | None) -> None:
    assert split_name(name) == (first, last)
    assert first_name_of(name) == first
