"""Text helpers: folding names for matching, counting things in words, and keeping other
people's text from controlling the terminal.

Anyone can put escape sequences in a LinkedIn headline, and LinkPilot stores what profiles
say. A control character (C0, DEL or C1) other than newline and tab is therefore removed where
text enters (`strip_controls`: CSV, V1 import, pages the engine reads) and made visible where it
leaves (`escape_controls`: the CLI, the log file, exports, notifications), for text stored before
this rule or coming another way.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")
# Unicode's control characters (category Cc) but tab and newline: C0, DEL and C1.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """`text` without control characters other than newline and tab (for text coming in)."""
    return _CONTROLS.sub("", text)


def escape_controls(text: str) -> str:
    """`text` with every control character but newline and tab written as a visible escape
    (ESC -> "\\x1b"), so printing it can never move the cursor, retitle a window or recolour a
    terminal (for text going out)."""
    return _CONTROLS.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of `text` ("  Éloïse  DURAND " -> "eloise durand").

    Stored beside names so that sorting, prefix search and blacklist matching run on an index
    instead of on a function over a column, and behave the same on SQLite and PostgreSQL.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def search_words(text: str) -> list[str]:
    """The folded words of `text`, punctuation dropped: "Jean-Pierre (Dév.)" -> jean, pierre, dev."""
    return _WORD.findall(fold(text))


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """`n` and the noun that agrees with it: "1 page", "2 pages", "0 wishes" (with `plural`)."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
