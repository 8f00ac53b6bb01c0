"""Reading and writing contacts CSV: row validation, line numbers, what an update overwrites."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from linkpilot.common.errors import BadInput
from linkpilot.storage.contacts import upsert_contact
from linkpilot.storage.csv_io import (
    IMPORT_COLUMNS,
    MAX_CSV_BYTES,
    RowError,
    apply_rows,
    export_contacts,
    parse_birthday,
    parse_columns,
    read_contacts_csv,
)
from linkpilot.storage.database import Database
from linkpilot.storage.models import Contact


def write(tmp_path: Path, content: str | bytes, name: str = "contacts.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("02-29", (2, 29)), ("2-9", (2, 9)), ("1996-02-29", (2, 29)), ("12-31", (12, 31)), (" 07-14 ", (7, 14))],
)
def test_birthdays_accepted(raw: str, expected: tuple[int, int]) -> None:
    assert parse_birthday(raw) == expected


@pytest.mark.parametrize(
    "raw", ["02-30", "13-01", "00-10", "1995-02-29", "14/07", "07-14-1990", "July 14", "1990-7"]
)
def test_birthdays_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="bad birthday"):
        parse_birthday(raw)


def test_every_column_is_read_and_converted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeffProfile_URL ; Name;first_name;headline;location;degree;birthday;status;notes;open_to_work;skills\n"
        'https://linkedin.com/in/ana-lima?trk=1;Ana Lima;Aninha;"CTO; Acme";Lisboa;2nd;1990-02-28;VISITED;'
        '"multi\nline note";Oui;"Python; SQL;;python;SQL"\n',
    )
    parsed = read_contacts_csv(path)
    assert parsed.delimiter == ";"
    assert parsed.errors == []
    [row] = parsed.rows
    assert row.profile_url == "https://www.linkedin.com/in/ana-lima/"
    assert row.fields == {
        "name": "Ana Lima",
        "first_name": "Aninha",
        "headline": "CTO; Acme",
        "location": "Lisboa",
        "degree": 2,
        "birthday_month": 2,
        "birthday_day": 28,
        "status": "visited",
        "notes": "multi\nline note",
        "open_to_work": True,
        "skills": ["Python", "SQL", "python"],
    }


def test_rejections_carry_the_first_physical_line_of_their_record(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "profile_url,name,notes,degree,open_to_work\n"
        'linkedin.com/in/ana,Ana,"two\nlines",1,\n'  # lines 2-3
        "\n"  # line 4, blank: skipped
        "linkedin.com/in/bob,,,4,maybe\n"  # line 5
        "linkedin.com/in/ANA/,Ana again,,,\n"  # line 6
        "linkedin.com/in/cid,Cid,,,,extra\n"  # line 7
        "linkedin.com/company/x,X,,,\n"  # line 8
        ",Nobody,,,\n"  # line 9
        "linkedin.com/in/dee,Dee\n",  # line 10: short rows are padded
    )
    parsed = read_contacts_csv(path)
    assert [r.line for r in parsed.rows] == [2, 10]
    assert parsed.errors == [
        RowError(5, "missing name; bad degree '4' (1, 2 or 3); bad open_to_work 'maybe' (true or false)"),
        RowError(6, "duplicate of line 2"),
        RowError(7, "6 fields, the header has 5"),
        RowError(8, "bad profile_url: not a profile URL (expected /in/<name>/): 'linkedin.com/company/x'"),
        RowError(9, "missing profile_url"),
    ]


def test_long_values_are_rejected(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"profile_url,name,skills\nlinkedin.com/in/ana,{'A' * 201},\nlinkedin.com/in/bob,Bob,{'s' * 101}\n",
    )
    assert read_contacts_csv(path).errors == [
        RowError(2, "name longer than 200 characters"),
        RowError(3, "a skill is longer than 100 characters"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf\n\n  \n", "is empty"),
        (b",,,\n , ,\n", "is empty"),
        (b"profile_url,name\n", "has a header but no contact rows"),
        (b"profile_url,name\n\n,\n", "has a header but no contact rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file, not CSV"),
        ("profile_url,name\n".encode("utf-16"), 'is UTF-16 text, not UTF-8: save it as "CSV UTF-8"'),
        (b"profile_url,name\nlinkedin.com/in/ren,Ren\xe9\n", "is not UTF-8 (byte 0xE9 on line 2)"),
        (
            b"profile_url,name,nickname,age\n",
            "line 1: unknown columns 'nickname', 'age' (known: profile_url,",
        ),
        (b"profile_url,headline\n", "line 1: missing column 'name'"),
        (b"url,nom\n", "unknown columns 'url', 'nom'"),
        (b"headline\n", "missing column 'profile_url' and 'name'"),
        (b"profile_url,name,name\n", "line 1: column 'name' appears twice"),
        (b"profile_url,name,\n", "line 1: column 3 has no name"),
        (b"https://linkedin.com/in/ana,Ana\n", "line 1: the first line must be a header"),
        (b'profile_url,name\nlinkedin.com/in/ana,"Ana"x\n', "line 2: malformed CSV"),
        (b'profile_url,name\nlinkedin.com/in/ana,"Ana\n', "malformed CSV"),
    ],
)
def test_whole_file_errors_name_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(BadInput) as caught:
        read_contacts_csv(path)
    assert caught.value.message.startswith(str(path))
    assert message in caught.value.message
    assert "\n" not in caught.value.message


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        read_contacts_csv(tmp_path / "missing.csv")
    with pytest.raises(BadInput, match="is a directory"):
        read_contacts_csv(tmp_path)
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(MAX_CSV_BYTES + 1)
    with pytest.raises(BadInput, match=r"is too large \(20.0 MB; at most 20 MB\)"):
        read_contacts_csv(big)
    # A pipe has no size to trust: the limit holds on what is read.
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)

    def feed() -> None:
        # The reader stops one byte past the limit and closes its end: the rest breaks the pipe.
        with contextlib.suppress(BrokenPipeError), fifo.open("wb") as pipe:
            pipe.write(b"x" * (MAX_CSV_BYTES + 10))

    writer = threading.Thread(target=feed)
    writer.start()
    with pytest.raises(BadInput, match=r"is too large \(more than that; at most 20 MB\)"):
        read_contacts_csv(fifo)
    writer.join(timeout=30)
    assert not writer.is_alive()


async def test_an_update_leaves_empty_cells_alone(db: Database, tmp_path: Path) -> None:
    async with db.transaction() as session:
        await upsert_contact(
            session, "linkedin.com/in/ana", name="Ana Lima", headline="CTO", birthday_month=5, birthday_day=4
        )
    path = write(
        tmp_path, "profile_url,name,headline,birthday,location\nlinkedin.com/in/ana,Ana Lima,,,Porto\n"
    )
    parsed = read_contacts_csv(path)
    async with db.session() as session:
        assert await apply_rows(session, parsed.rows, write=False) == (0, 1)
    async with db.transaction() as session:
        assert await apply_rows(session, parsed.rows) == (0, 1)
    async with db.session() as session:
        ana = (await session.execute(select(Contact))).scalar_one()
    assert (ana.headline, ana.birthday_month, ana.birthday_day, ana.location) == ("CTO", 5, 4, "Porto")
    assert ana.source == "manual"  # an update does not claim the contact came from CSV


async def test_export_round_trips_through_import(db: Database, tmp_path: Path) -> None:
    async with db.transaction() as session:
        await upsert_contact(
            session,
            "linkedin.com/in/ana",
            name='Ana "AL" Lima, PhD',
            headline="CTO; Acme\nLisbon",
            birthday_month=2,
            birthday_day=29,
            degree=1,
            skills=["Python", "SQL"],
            open_to_work=True,
            notes="=cmd",
            location="'-ok",
        )
        await upsert_contact(session, "linkedin.com/in/bob", name="Bob")
    out = io.StringIO()
    async with db.session() as session:
        assert await export_contacts(session, out) == 2
    # Formula-looking cells are exported as text for spreadsheets, and come back unchanged.
    assert ",'=cmd," in out.getvalue()
    path = write(tmp_path, out.getvalue())
    parsed = read_contacts_csv(path)
    assert parsed.errors == []
    assert parsed.columns == IMPORT_COLUMNS
    ana, bob = parsed.rows
    assert ana.fields == {
        "name": 'Ana "AL" Lima, PhD',
        "first_name": "Ana",
        "headline": "CTO; Acme\nLisbon",
        "degree": 1,
        "birthday_month": 2,
        "birthday_day": 29,
        "status": "new",
        "notes": "=cmd",
        "location": "'-ok",
        "open_to_work": True,
        "skills": ["Python", "SQL"],
    }
    assert bob.fields == {"name": "Bob", "first_name": "Bob", "status": "new", "open_to_work": False}


async def test_export_reads_in_batches_and_misses_no_one(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(
            insert(Contact),
            [
                {"profile_url": f"https://www.linkedin.com/in/p-{n}/", "name": f"Person {n}"}
                for n in range(1234)
            ],
        )
    out = io.StringIO()
    async with db.session() as session:
        assert await export_contacts(session, out, ["profile_url", "created_at"]) == 1234
    lines = out.getvalue().splitlines()
    assert lines[0] == "profile_url,created_at"
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted(
        f"https://www.linkedin.com/in/p-{n}/" for n in range(1234)
    )
    assert all(len(line.split(",")[1]) == len("2026-01-01T00:00:00+00:00") for line in lines[1:])


def test_parse_columns() -> None:
    assert parse_columns(None) == IMPORT_COLUMNS
    assert parse_columns(" Name , fit_score,created_at") == ("name", "fit_score", "created_at")
    with pytest.raises(BadInput, match="unknown column 'nme' in --columns"):
        parse_columns("profile_url,nme")
    with pytest.raises(BadInput, match="column 'name' given twice"):
        parse_columns("name,NAME")
    with pytest.raises(BadInput, match="--columns is empty"):
        parse_columns(" , ")


# What a spreadsheet reads as a formula, with apostrophes in front or not, and plain text.
SPREADSHEET_CELLS = [
    "=1+1",
    "+33 6",
    "-ok",
    "@SUM(A1)",
    "'=x",
    "''+",
    "'",
    "a'=b",
    "=",
    "'@'",
    'é=,;"',
    "plain",
]


async def test_exported_cells_never_start_a_formula_and_import_back_as_they_were(
    db: Database, tmp_path: Path
) -> None:
    async with db.transaction() as session:
        for n, notes in enumerate(SPREADSHEET_CELLS):
            await upsert_contact(
                session, f"https://www.linkedin.com/in/cell-{n}/", name=f"Cell {n}", notes=notes
            )
    out = io.StringIO()
    async with db.session() as session:
        await export_contacts(session, out, ["profile_url", "name", "notes"])
    cells = [row[2] for row in csv.reader(io.StringIO(out.getvalue()))][1:]
    assert [cell[:1] for cell in cells if cell[:1] in ("=", "+", "-", "@")] == [], cells
    parsed = read_contacts_csv(write(tmp_path, out.getvalue()))
    assert parsed.errors == []
    assert [row.fields["notes"] for row in parsed.rows] == SPREADSHEET_CELLS
