"""Pure conversions from V1 values (loosely typed TEXT, often junk) to LinkPilot values."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from linkpilot.common.errors import BadInput
from linkpilot.common.text import strip_controls
from linkpilot.common.urls import normalize_profile_url

# LinkedIn opened in 2003: an earlier date in a V1 row is junk, as is one in the future.
EARLIEST = datetime(2003, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)

# The columns that identify a V1 row for idempotence. Counters and flags the running V1 bot
# keeps updating (message_count, updated_at, is_active, ...) are left out on purpose, so a
# later copy of the same V1 file is still recognised row by row.
IDENTITY_COLUMNS: dict[str, tuple[str, ...]] = {
    "contacts": ("id", "name", "linkedin_url", "created_at"),
    "birthday_messages": ("id", "contact_name", "message_text", "sent_at"),
    "profile_visits": ("id", "profile_name", "profile_url", "visited_at"),
    "scraped_profiles": ("id", "profile_url", "scraped_at"),
    "blacklist": ("id", "contact_name", "linkedin_url", "added_at"),
}


def row_key(table: str, row: dict[str, Any]) -> str:
    """A content key for ImportRecord: the same V1 row in any copy of the file gives the same key."""
    identity = [table, *(_plain(row.get(c)) for c in IDENTITY_COLUMNS[table])]
    digest = hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode()).hexdigest()
    return f"v1:{digest}"


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    return value


def text(value: Any, limit: int | None = None) -> str | None:
    """A stripped string without control characters (see common.text), or None for NULL and blanks."""
    if value is None:
        return None
    out = strip_controls(str(value)).strip()
    if not out:
        return None
    return out[:limit] if limit is not None else out


def profile_url(value: Any) -> tuple[str | None, bool]:
    """(normalised URL or None, whether a non-empty value was refused as not a profile URL)."""
    raw = text(value)
    if raw is None:
        return None, False
    try:
        return normalize_profile_url(raw), False
    except BadInput:
        return None, True


def slug_name(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class V1Time:
    at: datetime
    # A bare date carries no instant: its local date is the date itself, in any time zone.
    date_only: bool

    def local_date(self, zone: ZoneInfo) -> date:
        return self.at.date() if self.date_only else self.at.astimezone(zone).date()


def parse_time(value: Any, now: datetime) -> V1Time | None:
    """An ISO date or date-time (offset or none: V1 wrote UTC); None for junk."""
    raw = text(value)
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return None
    date_only = len(raw) <= 10 and ":" not in raw  # "2024-03-05" or "20240305"
    at = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if at < EARLIEST or at > now + FUTURE_SLACK:
        return None
    return V1Time(at, date_only)


def whole_number(value: Any) -> int | None:
    if value is None:
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        out = float(str(value).strip())
    except ValueError:
        return None
    return out if out == out else None  # NaN is junk too


def flag(value: Any, default: bool) -> bool:
    if value is None:
        return default
    raw = str(value).strip().lower()
    if raw in ("1", "true", "yes", "y", "t"):
        return True
    if raw in ("0", "false", "no", "n", "f", ""):
        return False
    return default


_DEGREE = re.compile(r"([123])")


def degree(value: Any) -> tuple[int | None, bool]:
    """(1, 2 or 3 from '1st', '2nd', '3rd+', '2e'...; whether a non-empty value was not understood)."""
    raw = text(value)
    if raw is None:
        return None, False
    found = _DEGREE.search(raw)
    return (int(found.group(1)), False) if found else (None, True)


def _json(value: Any) -> tuple[Any, bool]:
    raw = text(value)
    if raw is None:
        return None, False
    try:
        return json.loads(raw), False
    except ValueError:
        return raw, True


def _plain_json(value: Any) -> Any:
    # JSON spells control characters as \u001b: decoded, they are removed like any other text.
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_plain_json(item) for item in value]
    if isinstance(value, dict):
        return {strip_controls(str(k)): _plain_json(v) for k, v in value.items()}
    return value


def string_list(value: Any) -> tuple[list[str], bool]:
    """Skills or languages: a JSON list (strings, or objects with a name); plain text is split on commas.

    The flag says the value was not JSON and had to be guessed at."""
    data, not_json = _json(value)
    if data is None:
        return [], False
    if not_json:
        return [part.strip() for part in str(data).split(",") if part.strip()], True
    items = _plain_json(data if isinstance(data, list) else [data])
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            label = item.get("name") or item.get("language") or item.get("title")
            if label:
                out.append(str(label).strip())
        elif item is not None and str(item).strip():
            out.append(str(item).strip())
    return out, False


def record_list(value: Any, text_key: str) -> tuple[list[dict[str, Any]], bool]:
    """Work history or education: a JSON list of objects; a string becomes {text_key: string}."""
    data, not_json = _json(value)
    if data is None:
        return [], False
    items = _plain_json(data if isinstance(data, list) else [data])
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict):
            out.append({str(k): v for k, v in item.items()})
        elif item is not None and str(item).strip():
            out.append({text_key: str(item).strip()})
    return out, not_json
