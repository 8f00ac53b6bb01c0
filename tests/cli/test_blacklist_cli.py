"""`linkpilot blacklist add|remove|list` end to end, on a real SQLite file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest


def entries(home: Path) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(home / "linkpilot.db")) as conn:
        return conn.execute(
            "SELECT profile_url, name, name_key, reason, active, removed_at IS NOT NULL FROM blacklist ORDER BY id"
        ).fetchall()


def one_error(result: Any, *fragments: str) -> None:
    assert result.code == 2, (result.out, result.err)
    assert result.err.count("\n") == 1, result.err
    assert result.err.startswith("linkpilot: error"), result.err
    for fragment in fragments:
        assert fragment in result.err, result.err


def test_add_by_url_and_by_name_then_list(cli, home: Path) -> None:
    by_url = cli("blacklist", "add", "https://fr.linkedin.com/in/Bob-Smith/?trk=x", "--reason", "spammer")
    assert by_url.code == 0
    assert by_url.out == "blacklisted https://www.linkedin.com/in/bob-smith/\n"
    by_name = cli("blacklist", "add", "  Éloïse   Durand ")
    assert by_name.out == "blacklisted Éloïse Durand\n"
    assert entries(home) == [
        ("https://www.linkedin.com/in/bob-smith/", None, None, "spammer", 1, 0),
        (None, "Éloïse Durand", "eloise durand", None, 1, 0),
    ]
    listed = cli("blacklist", "list").out.splitlines()
    assert listed[0].split() == ["ID", "WHO", "ADDED", "REASON"]
    assert listed[2].split()[1:2] == ["https://www.linkedin.com/in/bob-smith/"]
    assert listed[2].endswith("spammer")
    assert "Éloïse Durand" in listed[3]
    assert len(listed) == 4


def test_adding_the_same_person_twice_keeps_one_entry(cli, home: Path) -> None:
    assert cli("blacklist", "add", "Éloïse Durand").code == 0
    again = cli("blacklist", "add", "ELOISE durand")
    assert again.code == 0
    assert again.out.startswith("already blacklisted: Éloïse Durand (since ")
    assert len(entries(home)) == 1


def test_remove_is_soft_and_ignores_case_and_accents(cli, home: Path) -> None:
    assert cli("blacklist", "add", "Éloïse Durand", "--reason", "asked").code == 0
    assert cli("blacklist", "add", "linkedin.com/in/bob-smith").code == 0
    removed = cli("blacklist", "remove", "eloise DURAND")
    assert removed.code == 0
    assert removed.out == "removed 1 blacklist entry for eloise DURAND\n"
    assert entries(home)[0] == (None, "Éloïse Durand", "eloise durand", "asked", 0, 1)
    assert cli("blacklist", "remove", "https://www.linkedin.com/in/BOB-SMITH").code == 0
    assert cli("blacklist", "list").out == "the blacklist is empty\n"
    everything = cli("blacklist", "list", "--all").out.splitlines()
    assert everything[0].split() == ["ID", "WHO", "ADDED", "REMOVED", "REASON"]
    assert len(everything) == 4
    assert everything[2].rstrip().endswith("asked")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "https://www.linkedin.com/company/acme/"], "not a profile URL (expected /in/<name>/)"),
        (["add", "linkedin.com/in/"], "not a profile URL"),
        (["add", ""], "empty blacklist target"),
        (["add", "🚫"], "not a usable name for the blacklist"),
        (["add", "x" * 250], "name too long for the blacklist (250 characters, at most 200)"),
        (["remove", "Nobody Here"], "not on the blacklist: 'Nobody Here'"),
        (["remove", "linkedin.com/in/nobody"], "not on the blacklist"),
        (["remove", "https://www.linkedin.com/school/x/"], "not a profile URL"),
        (["add"], "Missing argument"),
    ],
)
def test_refusals_exit_2_and_change_nothing(cli, home: Path, args: list[str], message: str) -> None:
    assert cli("blacklist", "add", "Zoé Amadou").code == 0
    before = entries(home)
    one_error(cli("blacklist", *args), message)
    assert entries(home) == before


def test_a_removed_entry_is_not_removed_twice(cli, home: Path) -> None:
    assert cli("blacklist", "add", "Zoé Amadou").code == 0
    assert cli("blacklist", "remove", "Zoé Amadou").code == 0
    before = entries(home)
    one_error(cli("blacklist", "remove", "Zoé Amadou"), "not on the blacklist")
    assert entries(home) == before
