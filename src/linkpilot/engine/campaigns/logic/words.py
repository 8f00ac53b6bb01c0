"""Shared word-level reading of LinkedIn texts in English and French.

Page texts come with non-breaking spaces, typographic apostrophes, odd capitalisation and
the rest of a card around them. Everything is matched on whole tokens of a normalised,
accent-folded form so that "hier" inside "Thierry" or "nov" inside "novice" never counts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Final

from linkpilot.common.text import fold

_APOSTROPHES: Final = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "′": "'", "´": "'", "`": "'"})
# The dash family LinkedIn and editors use between dates: hyphen-minus, en dash, em dash, minus.
_DASHES: Final = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-"})

# A word keeps its inner apostrophes and hyphens ("aujourd'hui", "avant-hier"); digits stand
# alone so "20nov" is not a date; a lone "-" is a token so date ranges can be split on it.
_TOKEN: Final = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*|\d+(?:er|re|st|nd|rd|th)?(?![^\W_])|-")
_ORDINAL: Final = re.compile(r"^(\d+)(?:er|re|st|nd|rd|th)?$")

MONTHS: Final[dict[str, int]] = {
    # English, full and abbreviated (LinkedIn writes "Sep"; people write "Sept").
    "january": 1, "jan": 1,
    "february": 2, "feb": 2,
    "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "may": 5,
    "june": 6, "jun": 6,
    "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
    # French, accent-folded, full and as LinkedIn abbreviates them ("janv.", "févr.", "juil.").
    "janvier": 1, "janv": 1,
    "fevrier": 2, "fevr": 2, "fev": 2,
    "mars": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}  # fmt: skip

# A `<time datetime=...>` value: a date, possibly with a time and an offset.
_ISO_DATE: Final = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]*(?:Z|[+-]\d{2}:?\d{2})?)?\s*$", re.IGNORECASE
)

TODAY_WORDS: Final = frozenset({"today", "aujourd'hui", "aujourdhui"})
YESTERDAY_WORDS: Final = frozenset({"yesterday", "hier"})
NUMBER_WORDS: Final[dict[str, int]] = {"a": 1, "an": 1, "one": 1, "un": 1, "une": 1}


def normalize(text: str) -> str:
    """Compatibility-normalised, folded, single-spaced text with plain apostrophes and dashes."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).translate(_DASHES)
    return fold(text)


def tokens(text: str) -> list[str]:
    """Whole words, numbers (with any ordinal suffix) and lone dashes of the normalised text."""
    return _TOKEN.findall(normalize(text))


def number(token: str) -> int | None:
    """ "20", "1er", "3rd" -> the number; anything else -> None."""
    match = _ORDINAL.match(token)
    return int(match.group(1)) if match and len(match.group(1)) <= 4 else None


def iso_date(text: str) -> dt.date | None:
    """The date of a `datetime` attribute value ("2024-11-20", "2024-11-20T08:00:00Z"), else None."""
    match = _ISO_DATE.match(text)
    if match is None:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
