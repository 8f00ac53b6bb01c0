from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from linkpilot.engine.campaigns.logic.names import first_name_of

# Words read as a title before a name ("Me" is the French Maître): not first names here.
TITLES = {
    "dr",
    "dre",
    "pr",
    "mr",
    "mrs",
    "ms",
    "mx",
    "sir",
    "miss",
    "mme",
    "mlle",
    "me",
    "prof",
    "madame",
    "monsieur",
}


@pytest.mark.parametrize(
    ("full", "first"),
    [
        ("Marie Dupont", "Marie"),
        ("  Marie   Dupont ", "Marie"),
        ("Jean-Pierre Dupont", "Jean-Pierre"),
        ("Anne de la Tour", "Anne"),
        ("Éloïse Durand", "Éloïse"),
        ("🎉 Léa Martin ❤️", "Léa"),
        ("Léa🎂 Martin", "Léa"),
        ("Zoë ✨ Smith", "Zoë"),
        ("Dr. Alice Smith", "Alice"),
        ("Dr Alice", "Alice"),
        ("Prof. Jean Martin", "Jean"),
        ("M. Jean Valjean", "Jean"),
        ("Mme Claire Petit", "Claire"),
        ("Marie Dupont, PhD", "Marie"),
        ("Marie Dupont, MBA, CPA", "Marie"),
        ("Chloé (she/her) Durand", "Chloé"),
        ("DUPONT Marie", "Marie"),
        ("JEAN-PIERRE MARTIN", "Jean-Pierre"),
        ("O’Brien Sean", "O’Brien"),
        ("Sam", "Sam"),
        ("Dr", "Dr"),
        ("李 小龙", "李"),
        ("अनिल कुमार", "अनिल"),
    ],
)
def test_first_names(full: str, first: str) -> None:
    assert first_name_of(full) == first


def test_a_name_without_letters_falls_back_to_what_was_given() -> None:
    assert first_name_of("🎂") == "🎂"
    assert first_name_of("  ") == ""


@given(st.text(max_size=40))
def test_the_first_name_is_never_longer_than_the_name_and_has_no_outer_space(full: str) -> None:
    first = first_name_of(full)
    assert first == first.strip()
    assert len(first) <= len(full.strip()) or first == full.strip()


@given(
    first=st.from_regex(r"[A-ZÉ][a-zéèëï]{1,10}(-[A-Z][a-zé]{1,8})?", fullmatch=True),
    last=st.from_regex(r"[A-Z][a-z]{1,10}", fullmatch=True),
)
def test_a_plain_first_and_last_name_gives_the_first_name(first: str, last: str) -> None:
    assume(first.lower() not in TITLES)
    assert first_name_of(f"{first} {last}") == first
