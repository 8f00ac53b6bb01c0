"""Text from outside is data, never terminal control: control characters (but newline and tab)
are removed on the way in (CSV, V1 import) and escaped on the way out (`contacts list`,
`contacts export`, the log file), for rows stored before the rule or coming another way."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from linkpilot.cli.common import configure_logging
from linkpilot.common.text import escape_controls, strip_controls
from tests.conftest import CliResult
from tests.fixtures.v1_factory import create_v1_database

# What anyone can put in a LinkedIn headline: retitle the window (OSC 0 ... BEL), then go red.
HOSTILE = "\x1b]0;pwned\x07\x1b[31m"
# Every control character the rule covers: C0 but tab and newline, DEL, C1.
CODES = [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]
CONTROLS = "".join(chr(c) for c in CODES)


def _raw(text: str) -> bool:
    return any(c in text for c in CONTROLS)


def test_strip_and_escape_cover_c0_del_and_c1_but_keep_newline_and_tab() -> None:
    text = f"a{CONTROLS}b\n\tc"
    assert strip_controls(text) == "ab\n\tc"
    assert escape_controls(text) == "a" + "".join(f"\\x{c:02x}" for c in CODES) + "b\n\tc"
    assert escape_controls("Éloïse — 日本 ✓") == "Éloïse — 日本 ✓"


def test_a_csv_headline_with_escapes_is_stored_without_them(
    cli: Callable[..., CliResult], tmp_path: Path, home: Path
) -> None:
    csv = tmp_path / "in.csv"
    csv.write_text(
        f"profile_url,name,headline\nhttps://www.linkedin.com/in/mallory/,Mal{HOSTILE}lory,Sales {HOSTILE}lead\n",
        encoding="utf-8",
    )
    result = cli("contacts", "import", str(csv))
    assert result.code == 0, result.err
    with closing(sqlite3.connect(home / "linkpilot.db")) as conn:
        [(name, headline)] = conn.execute("SELECT name, headline FROM contacts").fetchall()
    assert (name, headline) == ("Mal]0;pwned[31mlory", "Sales ]0;pwned[31mlead")


def test_v1_text_with_escapes_is_imported_without_them(
    cli: Callable[..., CliResult], tmp_path: Path, home: Path
) -> None:
    v1 = create_v1_database(tmp_path / "linkedin.db", quirks=False)
    with closing(sqlite3.connect(v1)) as conn, conn:
        conn.execute(
            "INSERT INTO contacts (name, linkedin_url, notes, created_at, updated_at) VALUES (?, ?, ?, 'x', 'x')",
            (f"Eve{HOSTILE}", "https://www.linkedin.com/in/eve/", f"note{HOSTILE}"),
        )
        conn.execute(
            "INSERT INTO scraped_profiles (profile_url, full_name, headline, skills, scraped_at)"
            " VALUES (?, ?, ?, ?, '2024-01-01')",
            ("https://www.linkedin.com/in/eve/", "Eve", f"CTO{HOSTILE}", '["Go\\u001b[31m", "SQL"]'),
        )
    result = cli("import-v1", str(v1))
    assert result.code == 0, result.err
    with closing(sqlite3.connect(home / "linkpilot.db")) as conn:
        [row] = conn.execute("SELECT name, notes, headline, skills FROM contacts").fetchall()
    assert row == ("Eve]0;pwned[31m", "note]0;pwned[31m", "CTO]0;pwned[31m", '["Go[31m", "SQL"]')


def test_text_stored_with_escapes_is_shown_and_exported_escaped(
    cli: Callable[..., CliResult], tmp_path: Path, home: Path
) -> None:
    # A row written before the rule (or by another way in): the raw bytes are in the database.
    csv = tmp_path / "in.csv"
    csv.write_text("profile_url,name\nhttps://www.linkedin.com/in/mallory/,Mallory\n", encoding="utf-8")
    assert cli("contacts", "import", str(csv)).code == 0
    with closing(sqlite3.connect(home / "linkpilot.db")) as conn, conn:
        conn.execute("UPDATE contacts SET headline = ?, name = ?", (f"Sales {HOSTILE}lead", f"Mal{HOSTILE}"))

    listed = cli("contacts", "list")
    assert listed.code == 0, listed.err
    assert not _raw(listed.out)
    assert "Mal\\x1b]0;pwned\\x07\\x1b[31m" in listed.out

    exported = cli("contacts", "export", "--columns", "name,headline")
    assert exported.code == 0, exported.err
    assert not _raw(exported.out)
    assert (
        exported.out.splitlines()[1] == "Mal\\x1b]0;pwned\\x07\\x1b[31m,Sales \\x1b]0;pwned\\x07\\x1b[31mlead"
    )

    to_file = tmp_path / "out.csv"
    assert cli("contacts", "export", "--output", str(to_file)).code == 0
    assert not _raw(to_file.read_text(encoding="utf-8"))

    forgot = cli("contacts", "forget", "https://www.linkedin.com/in/mallory/", "--yes")
    assert forgot.code == 0, forgot.err
    assert forgot.out.startswith("forgot Mal\\x1b]0;pwned\\x07\\x1b[31m (")


def test_the_log_file_writes_control_characters_escaped(home: Path) -> None:
    home.mkdir(parents=True)
    configure_logging(home)
    logging.getLogger("linkpilot.test").warning("visited %s: %s", "Mallory", f"Sales {HOSTILE}lead")
    for handler in logging.getLogger().handlers:
        handler.flush()
    logged = (home / "linkpilot.log").read_text(encoding="utf-8")
    assert not _raw(logged.replace("\n", ""))
    assert "visited Mallory: Sales \\x1b]0;pwned\\x07\\x1b[31mlead" in logged
