"""`linkpilot contacts import` on any file at all: a correct import, or one line and nothing written."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from linkpilot.storage.csv_io import IMPORT_COLUMNS
from tests.fuzz.helpers import FEW, FUZZ, assert_no_crash, assert_refused, data_state, terminal_lines

SUMMARY = re.compile(
    r"^(?P<path>.+): (?P<imported>\d+) imported, (?P<updated>\d+) updated, (?P<rejected>\d+) rejected$"
)
DRY = re.compile(r"^.+: dry run, nothing written: \d+ to import, \d+ to update, \d+ rejected$")


# NUL makes a file binary and refused whole: kept to one cell strategy so rows get a chance.
CHARS = st.characters(codec="utf-8", exclude_characters="\x00")


def text(**kw: int) -> st.SearchStrategy[str]:
    return st.text(CHARS, **kw)


def mostly(good: st.SearchStrategy[str], bad: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Valid three times in four: a file of rows that all fail teaches little about writes."""
    return st.one_of(good, good, good, bad)


URLS = mostly(
    st.from_regex(r"\Ahttps://(www\.|fr\.)?linkedin\.com/in/[a-z0-9-]{3,20}/?\Z"),
    st.one_of(
        st.from_regex(r"\Alinkedin\.com/in/[a-zA-Z0-9%-]{1,30}\?trk=x\Z"),
        st.sampled_from(
            ["", "https://example.com/in/x/", "https://www.linkedin.com/company/a/", "javascript:x"]
        ),
        text(max_size=40),
    ),
)
CELLS: dict[str, st.SearchStrategy[str]] = {
    "profile_url": URLS,
    "name": mostly(
        st.from_regex(r"\A[A-Za-zÀ-ÿ][\w .'-]{0,30}\Z"),
        st.one_of(text(max_size=5), text(min_size=201, max_size=210)),
    ),
    "first_name": mostly(st.from_regex(r"\A[A-Za-z]{1,20}\Z"), text(max_size=101)),
    "headline": text(max_size=60),
    "notes": text(max_size=60),
    "location": text(max_size=60),
    "birthday": mostly(
        st.from_regex(r"\A(19\d\d-)?(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])\Z"), text(max_size=12)
    ),
    "degree": mostly(st.sampled_from(["1", "2", "3", "1st", "2nd", "3rd", ""]), st.sampled_from(["4", "x"])),
    "status": mostly(
        st.sampled_from(["new", "visited", "connected", "invited", "archived", "NEW", ""]), st.just("gone")
    ),
    "open_to_work": mostly(st.sampled_from(["true", "false", "oui", "non", "1", "0", ""]), st.just("maybe")),
    "skills": st.lists(text(max_size=12), max_size=4).map(";".join),
}
ANY_CELL = st.one_of(
    text(max_size=30), st.sampled_from(["=cmd|' /C calc'!A0", "'+1", "@SUM(A1)", '"', "\r\n", "\x00"])
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    columns = draw(
        st.lists(st.sampled_from(IMPORT_COLUMNS), unique=True, min_size=1, max_size=len(IMPORT_COLUMNS))
    )
    if draw(st.integers(0, 7)) > 0:
        columns = list(dict.fromkeys([*columns, "profile_url", "name"]))
    if draw(st.integers(0, 9)) == 0:
        columns.append(draw(st.sampled_from(["email", "Name", " profile_url ", "", "name"])))
    header = [c.upper() if draw(st.integers(0, 5)) == 0 else c for c in columns]
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row = [draw(CELLS.get(c.strip().lower(), ANY_CELL)) for c in columns]
        if draw(st.integers(0, 9)) == 0:
            row = row[: draw(st.integers(0, len(row)))] + draw(st.lists(ANY_CELL, max_size=2))
        rows.append(row)
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter=draw(st.sampled_from([",", ";"])), lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    )
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if draw(st.booleans()) else data


def contact_count(home: Path) -> int:
    db = home / "linkpilot.db"
    if not db.exists():
        return 0
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM contacts").fetchone()[0])
    finally:
        conn.close()


def check_import(cli: Any, home: Path, path: Path, data: bytes, *flags: str) -> None:
    path.write_bytes(data)
    before, count = data_state(home), contact_count(home)
    result = cli("contacts", "import", str(path), *flags)
    assert_no_crash(result, home)
    event(f"exit {result.code}")
    if result.code != 0:
        assert_refused(result)
        assert data_state(home) == before
        return
    lines = terminal_lines(result.out)
    rejected_lines = [line for line in lines[1:] if re.match(r"^  line \d+: rejected: ", line)]
    assert len(rejected_lines) == len(lines) - 1, result.out
    if "--dry-run" in flags:
        assert DRY.match(lines[0]), result.out
        assert contact_count(home) == count
        return
    summary = SUMMARY.match(lines[0])
    assert summary is not None, result.out
    assert int(summary["rejected"]) == len(rejected_lines)
    assert int(summary["imported"]) + int(summary["updated"]) > 0
    assert contact_count(home) == count + int(summary["imported"])
    if "--strict" in flags:
        assert not rejected_lines


@FUZZ
@given(data=csv_files(), flags=st.sampled_from([(), ("--strict",), ("--dry-run",)]))
def test_generated_csv_files(
    cli: Any, home: Path, tmp_path: Path, data: bytes, flags: tuple[str, ...]
) -> None:
    check_import(cli, home, tmp_path / "contacts.csv", data, *flags)


@FEW
@given(data=st.one_of(st.binary(max_size=600), text(max_size=300).map(lambda t: t.encode("utf-8"))))
def test_arbitrary_bytes(cli: Any, home: Path, tmp_path: Path, data: bytes) -> None:
    check_import(cli, home, tmp_path / "junk.csv", data)


@FEW
@given(data=csv_files(), cut=st.integers(min_value=0, max_value=400), junk=st.binary(min_size=1, max_size=8))
def test_damaged_csv_files(cli: Any, home: Path, tmp_path: Path, data: bytes, cut: int, junk: bytes) -> None:
    """A valid-looking file cut short, or with a few bytes of garbage spliced in."""
    position = min(cut, len(data))
    check_import(cli, home, tmp_path / "damaged.csv", data[:position] + junk + data[position + len(junk) :])
