"""`linkpilot contacts import|export|forget|list` end to end, on a real SQLite file."""

from __future__ import annotations

import os
import pty
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

TABLES = ("contacts", "interactions", "blacklist", "quota_events")
GOOD = (
    "profile_url,name,headline,birthday,degree,skills\n"
    "https://www.linkedin.com/in/eloise-durand/?trk=x,Éloïse Durand,Développeuse Python,02-29,1,python;sql\n"
    'linkedin.com/in/jp-dupont,"Dr. Jean-Pierre Dupont, PhD","CTO, ""Acme""",1990-07-14,3rd,\n'
)


def snapshot(home: Path) -> dict[str, list[tuple[Any, ...]]] | None:
    """Every row of the tables an import, export or forget could touch (None: no database yet)."""
    path = home / "linkpilot.db"
    if not path.exists():
        return None
    with closing(sqlite3.connect(path)) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}


def one_error(result: Any, *fragments: str) -> None:
    assert result.code == 2, (result.out, result.err)
    assert result.err.count("\n") == 1, result.err
    assert result.err.startswith("linkpilot: error"), result.err
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in result.err, result.err


def write(tmp_path: Path, content: str | bytes, name: str = "contacts.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


@pytest.fixture
def seeded(cli, tmp_path: Path, home: Path) -> dict[str, list[tuple[Any, ...]]]:  # type: ignore[no-untyped-def]
    """A database holding two imported contacts, a quota event and a blacklist entry."""
    result = cli("contacts", "import", str(write(tmp_path, GOOD, "seed.csv")))
    assert result.code == 0, result.err
    assert cli("blacklist", "add", "Zoé Amadou").code == 0
    with closing(sqlite3.connect(home / "linkpilot.db")) as conn, conn:
        conn.execute(
            "INSERT INTO quota_events (action, state, at, token, backend) "
            "VALUES ('message', 'committed', '2026-03-01 09:00:00', 'tok-1', 'sqlite')"
        )
        (eloise,) = conn.execute("SELECT id FROM contacts WHERE name_key = 'eloise durand'").fetchone()
        conn.execute(
            "INSERT INTO interactions (contact_id, kind, state, text, occurrence, source, created_at, updated_at, "
            "sent_at) VALUES (?, 'birthday', 'sent', 'Joyeux anniversaire Éloïse !', '2026-02-28', 'linkpilot', "
            "'2026-02-28 09:00:00', '2026-02-28 09:00:00', '2026-02-28 09:00:00')",
            (eloise,),
        )
    state = snapshot(home)
    assert state is not None
    assert len(state["contacts"]) == 2
    return state


# --- import --------------------------------------------------------------------------------


def test_import_reports_counts_and_writes_the_rows(cli, tmp_path: Path, home: Path) -> None:
    result = cli("contacts", "import", str(write(tmp_path, GOOD)))
    assert result.code == 0
    assert result.err == ""
    assert result.out == f"{tmp_path / 'contacts.csv'}: 2 imported, 0 updated, 0 rejected\n"
    with closing(sqlite3.connect(home / "linkpilot.db")) as conn:
        rows = conn.execute(
            "SELECT profile_url, name, first_name, headline, birthday_month, birthday_day, degree, skills, source "
            "FROM contacts ORDER BY name_key"
        ).fetchall()
    assert rows == [
        (
            "https://www.linkedin.com/in/jp-dupont/",
            "Dr. Jean-Pierre Dupont, PhD",
            "Jean-Pierre",
            'CTO, "Acme"',
            7,
            14,
            3,
            "[]",
            "csv",
        ),
        (
            "https://www.linkedin.com/in/eloise-durand/",
            "Éloïse Durand",
            "Éloïse",
            "Développeuse Python",
            2,
            29,
            1,
            '["python", "sql"]',
            "csv",
        ),
    ]
    again = cli("contacts", "import", str(tmp_path / "contacts.csv"))
    assert again.out.endswith(": 0 imported, 2 updated, 0 rejected\n")


def test_import_excel_french_with_bom_and_semicolons(cli, tmp_path: Path, home: Path) -> None:
    content = "\ufeffprofile_url;name;location;open_to_work\r\nlinkedin.com/in/rene-l;René Lévesque;Montréal, QC;oui\r\n"
    result = cli("contacts", "import", str(write(tmp_path, content.encode("utf-8"))))
    assert result.code == 0, result.err
    with closing(sqlite3.connect(home / "linkpilot.db")) as conn:
        assert conn.execute("SELECT name, location, open_to_work FROM contacts").fetchall() == [
            ("René Lévesque", "Montréal, QC", 1)
        ]


LINKEDIN_EXPORT = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. '
    'You will only see email addresses for connections who have allowed it, see https://www.linkedin.com/psettings/privacy/email"\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    'Éloïse,Durand,https://www.linkedin.com/in/eloise-durand,eloise@example.org,Acme,"CTO, Platform",14 Mar 2024\r\n'
    "Jean,Dupont,https://www.linkedin.com/in/jean-dupont-42,,,,02 Jan 2021\r\n"
    "Ghost,User,,,,,05 May 2019\r\n"
    "Too,Many,https://www.linkedin.com/in/too-many,,A,B,01 Jan 2020,extra\r\n"
)


def test_linkedin_connections_export_imports_as_first_degree_without_emails(
    cli, tmp_path: Path, home: Path
) -> None:
    path = write(tmp_path, LINKEDIN_EXPORT, "Connections.csv")
    result = cli("contacts", "import", str(path))
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        f"{path}: 2 imported, 0 updated, 2 rejected",
        "  line 7: rejected: missing profile_url",
        "  line 8: rejected: 8 fields, the header has 7",
    ]
    with closing(sqlite3.connect(home / "linkpilot.db")) as conn:
        assert conn.execute(
            "SELECT profile_url, name, first_name, degree, company, job_title FROM contacts ORDER BY profile_url"
        ).fetchall() == [
            (
                "https://www.linkedin.com/in/eloise-durand/",
                "Éloïse Durand",
                "Éloïse",
                1,
                "Acme",
                "CTO, Platform",
            ),
            ("https://www.linkedin.com/in/jean-dupont-42/", "Jean Dupont", "Jean", 1, None, None),
        ]
        stored = "\n".join(str(row) for row in conn.execute("SELECT * FROM contacts"))
    assert "eloise@example.org" not in stored


def test_linkedin_notes_without_the_connections_header_are_refused(cli, tmp_path: Path, home: Path) -> None:
    path = write(tmp_path, "Notes:\nsomething\n\nName,Profile\nAna,x\n", "Connections.csv")
    one_error(cli("contacts", "import", str(path)), "LinkedIn's export notes", "no Connections header")
    assert snapshot(home) is None


def test_partly_bad_file_imports_the_good_rows_and_lists_the_rest(cli, tmp_path: Path, home: Path) -> None:
    path = write(
        tmp_path,
        "profile_url,name,birthday\n"
        "linkedin.com/in/ana-lima,Ana Lima,05-04\n"
        "linkedin.com/in/bob-smith,Bob Smith,13-45\n"
        "linkedin.com/in/ANA-LIMA?x=1,Ana bis,\n"
        "not a url,Zed,\n"
        "linkedin.com/in/cid-ok,,\n",
    )
    result = cli("contacts", "import", str(path))
    assert result.code == 0
    assert result.err == ""
    assert result.out.splitlines() == [
        f"{path}: 1 imported, 0 updated, 4 rejected",
        "  line 3: rejected: bad birthday '13-45' (MM-DD or YYYY-MM-DD)",
        "  line 4: rejected: duplicate of line 2",
        "  line 5: rejected: bad profile_url: not a profile URL (expected /in/<name>/): 'not a url'",
        "  line 6: rejected: missing name",
    ]
    state = snapshot(home)
    assert state is not None
    assert [row[2] for row in state["contacts"]] == ["Ana Lima"]


def test_dry_run_counts_and_writes_nothing(cli, tmp_path: Path, home: Path, seeded: dict[str, Any]) -> None:
    path = write(tmp_path, GOOD + "linkedin.com/in/new-person,New Person,,,,\nlinkedin.com/in/x,,,,,\n")
    result = cli("contacts", "import", "--dry-run", str(path))
    assert result.code == 0
    assert result.out.splitlines() == [
        f"{path}: dry run, nothing written: 1 to import, 2 to update, 1 rejected",
        "  line 5: rejected: bad profile_url: not a profile URL (bad name 'x'): 'linkedin.com/in/x'; missing name",
    ]
    assert snapshot(home) == seeded


BAD_FILES: list[tuple[str, bytes, str]] = [
    (
        "unknown-column",
        b"profile_url,name,nickname\nlinkedin.com/in/ana,Ana,A\n",
        "line 1: unknown column 'nickname'",
    ),
    ("missing-column", b"profile_url,headline\nlinkedin.com/in/ana,CTO\n", "line 1: missing column 'name'"),
    (
        "latin-1",
        "profile_url,name\nlinkedin.com/in/rene,René\n".encode("latin-1"),
        "is not UTF-8 (byte 0xE9 on line 2)",
    ),
    ("utf-16", "profile_url,name\nlinkedin.com/in/ana,Ana\n".encode("utf-16"), "is UTF-16 text, not UTF-8"),
    ("empty", b"", "is empty"),
    ("binary", bytes(range(256)) * 4, "is a binary file, not CSV"),
    ("xlsx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00[Content_Types].xml", "is an Excel workbook"),
    ("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "is an Excel workbook"),
    ("header-only", b"profile_url,name\r\n", "has a header but no contact rows"),
    ("malformed", b'profile_url,name\nlinkedin.com/in/ana,"Ana"x\n', "line 2: malformed CSV"),
    (
        "all-rejected",
        b"profile_url,name,birthday\nlinkedin.com/in/ana,Ana,02-30\nbad,Bob,\n",
        "line 2: bad birthday '02-30' (MM-DD or YYYY-MM-DD) (and 1 more rejected row); nothing imported (no valid rows)",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_unusable_files_exit_2_and_change_nothing(
    cli, tmp_path: Path, home: Path, seeded: dict[str, Any], name: str, content: bytes, message: str
) -> None:
    path = write(tmp_path, content, f"{name}.csv")
    result = cli("contacts", "import", str(path))
    one_error(result, str(path), message)
    assert snapshot(home) == seeded


def test_strict_refuses_the_whole_file(cli, tmp_path: Path, home: Path, seeded: dict[str, Any]) -> None:
    path = write(
        tmp_path, GOOD + "linkedin.com/in/new-one,New One,,,,\nlinkedin.com/in/new-two,Two,,1990-02-29,,\n"
    )
    result = cli("contacts", "import", "--strict", str(path))
    one_error(result, f"{path} line 5: bad birthday '1990-02-29'", "nothing imported (--strict)")
    assert result.out == "  line 5: rejected: bad birthday '1990-02-29' (MM-DD or YYYY-MM-DD)\n"
    assert snapshot(home) == seeded
    # The same file without --strict imports the good rows.
    assert ": 1 imported, 2 updated, 1 rejected\n" in cli("contacts", "import", str(path)).out
    after = snapshot(home)
    assert after is not None
    assert len(after["contacts"]) == 3


def test_valid_rows_land_in_one_transaction(cli, tmp_path: Path, home: Path, seeded: dict[str, Any]) -> None:
    # A real SQLite trigger refuses the third new row: the two before it must not stay behind.
    with closing(sqlite3.connect(home / "linkpilot.db")) as conn, conn:
        conn.execute(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON contacts WHEN NEW.name = 'Boom' "
            "BEGIN SELECT RAISE(ABORT, 'boom refused'); END"
        )
    seeded = snapshot(home) or {}
    path = write(
        tmp_path,
        "profile_url,name\nlinkedin.com/in/one-1,One\nlinkedin.com/in/two-2,Two\nlinkedin.com/in/boom-3,Boom\n",
    )
    result = cli("contacts", "import", str(path))
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert result.err == "linkpilot: error: database refused the change: boom refused\n"
    assert snapshot(home) == seeded


def test_import_paths_that_are_not_files(cli, tmp_path: Path, home: Path, seeded: dict[str, Any]) -> None:
    one_error(cli("contacts", "import", str(tmp_path / "nope.csv")), "nope.csv does not exist")
    one_error(cli("contacts", "import", str(tmp_path)), "is a directory, not a CSV file")
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(21 * 2**20)
    one_error(cli("contacts", "import", str(big)), "big.csv is too large (21.0 MB; at most 20 MB)")
    assert snapshot(home) == seeded


def test_a_bad_file_does_not_even_create_the_database(cli, tmp_path: Path, home: Path) -> None:
    one_error(cli("contacts", "import", str(write(tmp_path, b""))), "is empty")
    assert snapshot(home) is None


# --- export --------------------------------------------------------------------------------


def test_export_to_stdout_round_trips(
    cli, tmp_path: Path, home: Path, seeded: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = cli("contacts", "export")
    assert result.code == 0
    assert result.err == ""
    lines = result.out.splitlines()
    assert (
        lines[0]
        == "profile_url,name,first_name,headline,location,degree,birthday,status,notes,open_to_work,skills"
    )
    assert (
        "https://www.linkedin.com/in/eloise-durand/,Éloïse Durand,Éloïse,Développeuse Python,,1,02-29,new,,false,python;sql"
        in lines
    )
    # Importing the export into an empty home gives the same contacts.
    (tmp_path / "other").mkdir()
    exported = write(tmp_path / "other", result.out, "export.csv")
    monkeypatch.setenv("LINKPILOT_HOME", str(tmp_path / "other" / "home"))
    assert cli("contacts", "import", str(exported)).out.endswith(": 2 imported, 0 updated, 0 rejected\n")
    assert cli("contacts", "export").out == result.out


def test_export_chosen_columns_to_a_file(cli, tmp_path: Path, home: Path, seeded: dict[str, Any]) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old content that must be replaced whole\n")
    result = cli("contacts", "export", "--columns", "name,birthday,fit_score", "--output", str(target))
    assert result.code == 0
    assert result.out == f"exported 2 contacts to {target}\n"
    assert target.read_text(encoding="utf-8").splitlines() == [
        "name,birthday,fit_score",
        "Éloïse Durand,02-29,",
        '"Dr. Jean-Pierre Dupont, PhD",07-14,',
    ]
    assert oct(target.stat().st_mode & 0o777) == "0o600"  # personal data: the owner's only
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "out.csv", "seed.csv"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--columns", "name,emails"], "unknown column 'emails' in --columns"),
        (["--columns", ""], "--columns is empty"),
        (["--output", "{tmp}/missing/out.csv"], "--output folder does not exist"),
        (["--output", "{tmp}"], "--output is a directory"),
    ],
)
def test_export_bad_options(
    cli, tmp_path: Path, home: Path, seeded: dict[str, Any], args: list[str], message: str
) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    result = cli("contacts", "export", *[a.replace("{tmp}", str(tmp_path)) for a in args])
    one_error(result, message)
    assert result.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert snapshot(home) == seeded


def test_export_into_a_pipe_closed_early_ends_quietly(cli, tmp_path: Path, home: Path) -> None:
    rows = "".join(f"linkedin.com/in/person-{n},Person {n}\n" for n in range(3000))
    assert cli("contacts", "import", str(write(tmp_path, "profile_url,name\n" + rows))).code == 0
    # Like `linkpilot contacts export | head -1`: far more than a pipe buffer, reader gone after a line.
    proc = subprocess.Popen(
        [sys.executable, "-m", "linkpilot", "contacts", "export"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith(b"profile_url,name,")
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert err == b""


# --- forget --------------------------------------------------------------------------------


def test_forget_with_yes(cli, home: Path, seeded: dict[str, Any]) -> None:
    result = cli("contacts", "forget", "https://fr.linkedin.com/in/Eloise-Durand", "--yes")
    assert result.code == 0, result.err
    assert result.out == (
        "forgot Éloïse Durand (https://www.linkedin.com/in/eloise-durand/): "
        "1 interaction erased, 0 campaign runs cleaned\n"
    )
    after = snapshot(home)
    assert after is not None
    assert [row[2] for row in after["contacts"]] == ["Dr. Jean-Pierre Dupont, PhD"]
    assert after["quota_events"] == seeded["quota_events"]
    assert after["blacklist"] == seeded["blacklist"]
    [wish] = after["interactions"]
    assert "Éloïse" not in repr(wish)
    assert wish[1:4] == (None, "birthday", "sent")


def test_forget_mentions_a_blacklist_entry_it_keeps(cli, home: Path, seeded: dict[str, Any]) -> None:
    assert cli("blacklist", "add", "linkedin.com/in/jp-dupont").code == 0
    result = cli("contacts", "forget", "linkedin.com/in/jp-dupont", "--yes")
    assert result.out.rstrip().endswith("; still on the blacklist")
    assert cli("blacklist", "list").out.count("jp-dupont") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["linkedin.com/in/nobody-here", "--yes"],
            "no contact with profile URL https://www.linkedin.com/in/nobody-here/",
        ),
        (["Éloïse Durand", "--yes"], "not a profile URL"),
        (["https://www.linkedin.com/company/acme/", "--yes"], "not a profile URL (expected /in/<name>/)"),
        (["linkedin.com/in/eloise-durand"], "add --yes when not on a terminal"),
    ],
)
def test_forget_refusals_change_nothing(
    cli, home: Path, seeded: dict[str, Any], args: list[str], message: str
) -> None:
    one_error(cli("contacts", "forget", *args), message)
    assert snapshot(home) == seeded


def _forget_on_a_terminal(answer: str) -> subprocess.CompletedProcess[bytes]:
    """Run `linkpilot contacts forget` with a real pseudo-terminal as its standard input."""
    primary, secondary = pty.openpty()
    try:
        os.write(primary, answer.encode() + b"\n")
        return subprocess.run(
            [sys.executable, "-m", "linkpilot", "contacts", "forget", "linkedin.com/in/eloise-durand"],
            stdin=secondary,
            capture_output=True,
            env=dict(os.environ),
            timeout=60,
            check=False,
        )
    finally:
        os.close(primary)
        os.close(secondary)


def test_forget_asks_on_a_terminal_and_no_keeps_everything(home: Path, seeded: dict[str, Any]) -> None:
    declined = _forget_on_a_terminal("n")
    assert "Forget Éloïse Durand (https://www.linkedin.com/in/eloise-durand/)" in declined.stdout.decode()
    assert declined.returncode == 1
    assert declined.stderr.decode() == "linkpilot: aborted\n"
    assert snapshot(home) == seeded


def test_forget_asks_on_a_terminal_and_yes_forgets(home: Path, seeded: dict[str, Any]) -> None:
    accepted = _forget_on_a_terminal("y")
    assert accepted.returncode == 0, accepted.stderr
    assert "forgot Éloïse Durand" in accepted.stdout.decode()
    after = snapshot(home)
    assert after is not None
    assert len(after["contacts"]) == 1


# --- list ----------------------------------------------------------------------------------


def test_list_shows_a_table_and_a_footer(cli, home: Path, seeded: dict[str, Any]) -> None:
    result = cli("contacts", "list")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["NAME", "DEG", "STATUS", "FIT", "BIRTHDAY", "PROFILE", "HEADLINE"]
    assert lines[2].startswith("Dr. Jean-Pierre Dupont, PhD  3    new")
    assert "linkedin.com/in/jp-dupont/" in lines[2]
    assert lines[3].startswith("Éloïse Durand")
    assert lines[-1] == "2 of 2 contacts"


def test_list_search_limit_and_filters(cli, tmp_path: Path, home: Path, seeded: dict[str, Any]) -> None:
    found = cli("contacts", "list", "--search", "DEV")
    assert [line.split("  ")[0] for line in found.out.splitlines()[2:-1]] == ["Éloïse Durand"]
    assert found.out.splitlines()[-1] == "1 of 1 contact"
    limited = cli("contacts", "list", "--limit", "1")
    assert limited.out.splitlines()[-1] == "1 of 2 contacts (--limit 2 to see all)"
    assert cli("contacts", "list", "--search", "nobody").out == "no contacts match\n"
    assert cli("contacts", "list", "--degree", "1").out.splitlines()[-1] == "1 of 1 contact"
    assert cli("contacts", "list", "--blacklisted").out == "no contacts match\n"
    assert cli("blacklist", "add", "JEAN-PIERRE dupont").code == 0
    assert cli("contacts", "list", "--blacklisted").out == "no contacts match\n"  # not the full name
    assert cli("blacklist", "add", "dr. jean-pierre dupont, phd").code == 0
    assert "Jean-Pierre" in cli("contacts", "list", "--blacklisted").out


def test_list_footer_beyond_one_page(cli, tmp_path: Path, home: Path) -> None:
    rows = "".join(f"linkedin.com/in/person-{n},Person {n}\n" for n in range(1001))
    assert cli("contacts", "import", str(write(tmp_path, "profile_url,name\n" + rows))).code == 0
    result = cli("contacts", "list", "--limit", "3", "--sort", "fit")
    assert [line.split()[1] for line in result.out.splitlines()[2:5]] == ["1000", "999", "998"]
    assert result.out.splitlines()[-1] == (
        "3 of 1001 contacts (narrow with --search or filters, or raise --limit up to 1000)"
    )


def test_list_on_an_empty_database_and_bad_options(cli, home: Path) -> None:
    assert cli("contacts", "list").out == "no contacts yet\n"
    before = snapshot(home)
    for args in (["--limit", "0"], ["--limit", "5000"], ["--status", "famous"], ["--sort", "age"]):
        one_error(cli("contacts", "list", *args))
    assert snapshot(home) == before


def test_tables_fit_the_width_and_cut_long_cells() -> None:
    from linkpilot.cli.tables import render_table

    rows = [["Ana", "a very long headline that cannot fit"], ["Bob", "short"]]
    lines = render_table(["NAME", "HEADLINE"], rows, flex=1, width=20)
    assert lines == [
        "NAME  HEADLINE",
        "----  --------------",
        "Ana   a very long h…",
        "Bob   short",
    ]
    assert max(len(line) for line in lines) <= 20
    # The flexible column keeps a readable minimum even on a very narrow terminal.
    narrow = render_table(["NAME", "HEADLINE"], rows, flex=1, width=5)
    assert narrow[2] == "Ana   a very long…"
