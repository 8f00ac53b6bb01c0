"""Contacts in and out as CSV.

Reading is two-staged: `read_contacts_csv` checks the whole file (size, encoding, header) and
every row, without touching the database; `apply_rows` then writes the valid rows, and the
caller decides whether that happens in one transaction, is refused (`--strict`) or is only
counted (`--dry-run`). The format is described in docs/contacts.md.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from linkpilot.common.errors import BadInput
from linkpilot.common.text import escape_controls, strip_controls
from linkpilot.common.urls import normalize_profile_url
from linkpilot.storage.contacts import iter_contacts, new_contact, update_contact
from linkpilot.storage.models import Contact, ContactStatus

MAX_CSV_BYTES = 20 * 1024 * 1024  # a LinkedIn network export of 30,000 people is about 5 MB
REQUIRED_COLUMNS = ("profile_url", "name")
OPTIONAL_COLUMNS = (
    "first_name",
    "headline",
    "location",
    "degree",
    "birthday",
    "status",
    "notes",
    "open_to_work",
    "skills",
)
IMPORT_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# Exports may add these read-only columns; a file carrying them does not import back.
EXPORT_COLUMNS = (
    *IMPORT_COLUMNS,
    "company",
    "job_title",
    "fit_score",
    "source",
    "last_visited_at",
    "created_at",
    "updated_at",
)

_LIMITS = {
    "name": 200,
    "first_name": 100,
    "location": 200,
    "headline": 2000,
    "notes": 10000,
    "company": 200,
    "job_title": 200,
}
# LinkedIn's own export (Settings > Data privacy > Get a copy of your data > Connections.csv)
# starts with a few lines of notes, then this header. Everyone in it is a 1st-degree connection.
# E-mail addresses are not kept: nothing LinkPilot does needs them.
_LINKEDIN_COLUMNS = {
    "first name": "first_name",
    "last name": "last_name",
    "url": "profile_url",
    "email address": "",
    "company": "company",
    "position": "job_title",
    "connected on": "",
}
_LINKEDIN_NOTES_RECORDS = 5
_BIRTHDAY = re.compile(r"^(?:(\d{4})-)?(\d{1,2})-(\d{1,2})$")
_DEGREES = {"1": 1, "2": 2, "3": 3, "1st": 1, "2nd": 2, "3rd": 3}
_TRUE = frozenset({"true", "yes", "y", "1", "oui", "x"})
_FALSE = frozenset({"false", "no", "n", "0", "non"})
_STATUSES = tuple(str(s) for s in ContactStatus)
_UTF16_32 = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
# Spreadsheets run a cell starting with these as a formula, and headlines come from strangers'
# profiles: exports put an apostrophe in front (shown as text), imports take it off again.
_NEEDS_GUARD = re.compile(r"^'*[=+\-@]")
_GUARDED = re.compile(r"^'+[=+\-@]")


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass(frozen=True)
class ContactRow:
    line: int
    profile_url: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class ParsedCsv:
    path: Path
    delimiter: str
    columns: tuple[str, ...]
    rows: list[ContactRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_contacts_csv(path: Path) -> ParsedCsv:
    """Parse and validate a contacts CSV. Whole-file problems raise BadInput naming the file;
    row problems are collected with their line numbers."""
    text = _decode(path, _read_bytes(path))
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = _records(path, reader)
    try:
        header_line, header = next(records)
    except StopIteration:
        raise BadInput(f"{path} is empty") from None
    header_line, header = _skip_linkedin_notes(path, records, header_line, header)
    linkedin = _linkedin_columns(header)
    columns = _check_header(path, header_line, header) if linkedin is None else _LINKEDIN_IMPORTED
    parsed = ParsedCsv(path, delimiter, columns)
    first_seen: dict[str, int] = {}
    for line, cells in records:
        if linkedin is not None:
            if len(cells) > len(linkedin):
                parsed.errors.append(RowError(line, f"{len(cells)} fields, the header has {len(linkedin)}"))
                continue
            cells = _from_linkedin(linkedin, cells)
        row = _parse_row(line, columns, cells, first_seen)
        if isinstance(row, RowError):
            parsed.errors.append(row)
        else:
            parsed.rows.append(row)
    if not parsed.rows and not parsed.errors:
        raise BadInput(f"{path} has a header but no contact rows")
    return parsed


def _read_bytes(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise BadInput(f"{path} is a directory, not a CSV file")
        size = path.stat().st_size
        # Read one byte past the limit rather than trust the size: a pipe reports none.
        with path.open("rb") as handle:
            data = handle.read(MAX_CSV_BYTES + 1)
        if len(data) > MAX_CSV_BYTES:
            shown = f"{size / 2**20:.1f} MB" if size > MAX_CSV_BYTES else "more than that"
            raise BadInput(f"{path} is too large ({shown}; at most {MAX_CSV_BYTES // 2**20} MB)")
        return data
    except FileNotFoundError:
        raise BadInput(f"{path} does not exist") from None
    except PermissionError:
        raise BadInput(f"{path} cannot be read (permission denied)") from None
    except OSError as exc:
        raise BadInput(f"{path} cannot be read: {exc.strerror}") from None


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise BadInput(f'{path} is an Excel workbook or another archive, not CSV: save it as "CSV UTF-8"')
    if data.startswith(_UTF16_32):
        raise BadInput(f'{path} is UTF-16 text, not UTF-8: save it as "CSV UTF-8"')
    if b"\x00" in data[:8192]:
        raise BadInput(f"{path} is a binary file, not CSV")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BadInput(
            f'{path} is not UTF-8 (byte 0x{data[exc.start]:02X} on line {line}): save it as "CSV UTF-8"'
        ) from None
    if "\x00" in text:
        raise BadInput(f"{path} is a binary file, not CSV")
    if not text.strip():
        raise BadInput(f"{path} is empty")
    return text


def _delimiter(text: str) -> str:
    # French Excel writes `;`. The header decides: it holds no commas or semicolons of its own.
    header = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if header.count(";") > header.count(",") else ","


def _records(path: Path, reader: Any) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) of every non-blank record."""
    previous = 0
    try:
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if cells and any(cell.strip() for cell in cells):
                yield start, cells
    except csv.Error as exc:
        raise BadInput(f"{path} line {reader.line_num}: malformed CSV ({exc})") from None


_LINKEDIN_IMPORTED = ("profile_url", "name", "first_name", "degree", "company", "job_title")


def _skip_linkedin_notes(
    path: Path, records: Iterator[tuple[int, list[str]]], line: int, header: list[str]
) -> tuple[int, list[str]]:
    if header[0].strip().lower() != "notes:":
        return line, header
    for _ in range(_LINKEDIN_NOTES_RECORDS):
        try:
            line, header = next(records)
        except StopIteration:
            break
        if _linkedin_columns(header) is not None:
            return line, header
    raise BadInput(
        f"{path} starts with LinkedIn's export notes but has no Connections header "
        "(First Name, Last Name, URL, ...) after them"
    )


def _linkedin_columns(header: list[str]) -> list[str] | None:
    """For a LinkedIn Connections.csv header, what each of its columns becomes here."""
    names = [cell.strip().lower() for cell in header]
    if not {"first name", "last name", "url"} <= set(names) or not set(names) <= set(_LINKEDIN_COLUMNS):
        return None
    return [_LINKEDIN_COLUMNS[name] for name in names]


def _from_linkedin(columns: list[str], cells: list[str]) -> list[str]:
    """One Connections.csv row as the cells of `_LINKEDIN_IMPORTED`."""
    got = {name: cell.strip() for name, cell in zip(columns, cells, strict=False) if name}
    first, last = got.get("first_name", ""), got.get("last_name", "")
    return [
        got.get("profile_url", ""),
        f"{first} {last}".strip(),
        first,
        "1",
        got.get("company", ""),
        got.get("job_title", ""),
    ]


def _check_header(path: Path, line: int, header: list[str]) -> tuple[str, ...]:
    names = [cell.strip().lower() for cell in header]
    if names and names[0].startswith(("http", "www.", "linkedin.")):
        raise BadInput(f"{path} line {line}: the first line must be a header naming the columns")
    for position, name in enumerate(names, start=1):
        if not name:
            raise BadInput(f"{path} line {line}: column {position} has no name")
    unknown = [n for n in names if n not in IMPORT_COLUMNS]
    if unknown:
        listed = ", ".join(repr(n) for n in unknown)
        plural = "s" if len(unknown) > 1 else ""
        raise BadInput(
            f"{path} line {line}: unknown column{plural} {listed} (known: {', '.join(IMPORT_COLUMNS)})"
        )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise BadInput(f"{path} line {line}: column {name!r} appears twice")
        seen.add(name)
    missing = [n for n in REQUIRED_COLUMNS if n not in seen]
    if missing:
        raise BadInput(f"{path} line {line}: missing column {' and '.join(repr(n) for n in missing)}")
    return tuple(names)


def _parse_row(
    line: int, columns: Sequence[str], cells: list[str], first_seen: dict[str, int]
) -> ContactRow | RowError:
    if len(cells) > len(columns):
        return RowError(line, f"{len(cells)} fields, the header has {len(columns)}")
    # Control characters go (a headline with escape sequences must not reach a terminal later).
    values = {
        col: _unguarded(strip_controls(cells[i]).strip()) if i < len(cells) else ""
        for i, col in enumerate(columns)
    }
    problems: list[str] = []
    fields: dict[str, Any] = {}
    url = ""
    raw_url = values["profile_url"]
    if not raw_url:
        problems.append("missing profile_url")
    else:
        try:
            url = normalize_profile_url(raw_url)
        except BadInput as exc:
            problems.append(f"bad profile_url: {exc.message}")
    if not values["name"]:
        problems.append("missing name")
    for column, raw in values.items():
        if column == "profile_url" or not raw:
            continue  # empty cells leave what the database holds untouched
        try:
            fields.update(_convert(column, raw))
        except ValueError as exc:
            problems.append(str(exc))
    if url and url in first_seen:
        problems.append(f"duplicate of line {first_seen[url]}")
    elif url:
        first_seen[url] = line
    if problems:
        return RowError(line, "; ".join(problems))
    return ContactRow(line, url, fields)


def _unguarded(cell: str) -> str:
    return cell[1:] if _GUARDED.match(cell) else cell


def _guarded(cell: str) -> str:
    # Apostrophes already in front get one more, so the import gives back exactly the value.
    return "'" + cell if _NEEDS_GUARD.match(cell) else cell


def _convert(column: str, raw: str) -> dict[str, Any]:
    limit = _LIMITS.get(column)
    if limit is not None:
        if len(raw) > limit:
            raise ValueError(f"{column} longer than {limit} characters")
        return {column: raw}
    if column == "degree":
        degree = _DEGREES.get(raw.lower())
        if degree is None:
            raise ValueError(f"bad degree {raw!r} (1, 2 or 3)")
        return {"degree": degree}
    if column == "birthday":
        month, day = parse_birthday(raw)
        return {"birthday_month": month, "birthday_day": day}
    if column == "status":
        if raw.lower() not in _STATUSES:
            raise ValueError(f"bad status {raw!r} ({', '.join(_STATUSES)})")
        return {"status": raw.lower()}
    if column == "open_to_work":
        if raw.lower() in _TRUE:
            return {"open_to_work": True}
        if raw.lower() in _FALSE:
            return {"open_to_work": False}
        raise ValueError(f"bad open_to_work {raw!r} (true or false)")
    if column == "skills":
        skills = list(dict.fromkeys(s.strip() for s in raw.split(";") if s.strip()))
        if any(len(s) > 100 for s in skills):
            raise ValueError("a skill is longer than 100 characters")
        return {"skills": skills}
    raise ValueError(f"unknown column {column!r}")  # pragma: no cover - the header check stops these


def parse_birthday(raw: str) -> tuple[int, int]:
    """(month, day) from MM-DD or YYYY-MM-DD; 29 February is a birthday like any other.
    The year, when given, must make a real date, and is not kept."""
    match = _BIRTHDAY.match(raw.strip())
    problem = ValueError(f"bad birthday {raw!r} (MM-DD or YYYY-MM-DD)")
    if match is None:
        raise problem
    year, month, day = match.groups()
    try:
        # 2000 is a leap year: without a year, 02-29 is valid and 02-30 is not.
        date(int(year) if year else 2000, int(month), int(day))
    except ValueError:
        raise problem from None
    return int(month), int(day)


async def apply_rows(
    session: AsyncSession, rows: Sequence[ContactRow], *, write: bool = True
) -> tuple[int, int]:
    """Insert or update each row's contact; return (imported, updated). With write=False only count."""
    existing: dict[str, Contact] = {}
    urls = [row.profile_url for row in rows]
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        found = await session.execute(select(Contact).where(Contact.profile_url.in_(chunk)))
        existing.update({c.profile_url: c for c in found.scalars() if c.profile_url})
    imported = updated = 0
    for row in rows:
        contact = existing.get(row.profile_url)
        if contact is None:
            imported += 1
            if write:
                session.add(new_contact(row.profile_url, {"source": "csv", **row.fields}))
        else:
            updated += 1
            if write:
                update_contact(contact, row.fields)
    if write:
        await session.flush()
    return imported, updated


def parse_columns(spec: str | None) -> tuple[str, ...]:
    """The --columns of an export: known names, comma-separated, each once."""
    if spec is None:
        return IMPORT_COLUMNS
    names = [name.strip().lower() for name in spec.split(",")]
    if not any(names):
        raise BadInput("--columns is empty")
    seen: list[str] = []
    for name in names:
        if name not in EXPORT_COLUMNS:
            raise BadInput(f"unknown column {name!r} in --columns (known: {', '.join(EXPORT_COLUMNS)})")
        if name in seen:
            raise BadInput(f"column {name!r} given twice in --columns")
        seen.append(name)
    return tuple(seen)


def export_value(contact: Contact, column: str) -> str:
    if column == "birthday":
        if contact.birthday_month is None or contact.birthday_day is None:
            return ""
        return f"{contact.birthday_month:02d}-{contact.birthday_day:02d}"
    if column == "skills":
        return ";".join(contact.skills or [])
    value = getattr(contact, column)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return str(value)


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


async def export_contacts(
    session: AsyncSession,
    out: Writable,
    columns: Sequence[str] = IMPORT_COLUMNS,
) -> int:
    """Write every contact as CSV to `out`, in id order, a batch at a time; return how many."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    async for contact in iter_contacts(session):
        # Escaped, not written raw: the file may be read on a terminal (`contacts export | less`).
        writer.writerow([_guarded(escape_controls(export_value(contact, column))) for column in columns])
        count += 1
    return count
