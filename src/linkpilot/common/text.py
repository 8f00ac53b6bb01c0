"""Text folding for matching people by name: case, accents and spacing never split one person."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")


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
