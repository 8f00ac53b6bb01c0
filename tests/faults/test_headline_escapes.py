"""A profile whose headline carries terminal escape sequences, sourced by a real `linkpilot run
sourcing` (Chromium, practice site): the contact is stored without them, and neither `contacts
list`, `contacts export` nor the log file ever writes them raw."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.e2e.conftest import Site, make_operator

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = "\x1b]0;pwned\x07\x1b[31m"
RAW = ("\x1b", "\x07", "\x9b")


def test_a_sourced_headline_with_escape_sequences_is_data(tmp_path: Path, site_en: Site) -> None:
    operator = make_operator(tmp_path, site_en)
    operator.env |= {
        "LINKPILOT_SOURCING__KEYWORDS": "Sales",
        "LINKPILOT_LIMITS__PROFILE_VISITS__PER_RUN": "1",
    }
    code, plan = operator.run_json("run", "sourcing", "--dry-run")
    assert code == 0, plan
    slug = plan["plan"][0]["slug"]
    person = next(p for p in site_en.admin("world")["people"] if p["slug"] == slug)
    # Kept in the headline: the person still matches the search for "Sales".
    hostile = f"{person['headline']} {HOSTILE}"
    assert site_en.admin("person", {"slug": slug, "headline": hostile})["headline"] == hostile

    code, summary = operator.run_json("run", "sourcing")
    assert code == 0, summary
    assert summary["counts"]["sent"] == 1
    assert site_en.admin("record")["visits"] == [slug]

    with closing(sqlite3.connect(operator.home / "linkpilot.db")) as conn:
        [(stored,)] = conn.execute("SELECT headline FROM contacts").fetchall()
    assert stored == f"{person['headline']} ]0;pwned[31m"

    operator.env["COLUMNS"] = "400"  # wide enough for the whole headline
    listed = operator.run("contacts", "list")
    assert listed.returncode == 0, listed.stderr
    assert "]0;pwned[31m" in listed.stdout
    exported = operator.run("contacts", "export", "--columns", "profile_url,headline")
    assert exported.returncode == 0, exported.stderr
    assert json.dumps(stored)[1:-1] in exported.stdout
    log = (operator.home / "linkpilot.log").read_text(encoding="utf-8")
    for output in (listed.stdout, exported.stdout, log):
        assert not any(c in output for c in RAW)
