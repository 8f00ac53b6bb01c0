"""A person's first name, from the full name LinkedIn shows.

Kept deliberately simple and predictable: drop emojis and symbols, drop anything after a
comma or inside brackets (credentials, maiden names, pronouns), drop leading titles, and take
the first remaining word, hyphens kept ("Jean-Pierre"). A name written in capitals is
title-cased; the French "DUPONT Marie" order is recognised by its all-capital surname.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from linkpilot.common.text import fold

_TITLES: Final = frozenset(
    {"dr", "dre", "doctor", "prof", "pr", "professor", "mr", "mrs", "ms", "miss", "mx", "sir",
     "m", "mme", "mlle", "me", "madame", "monsieur", "mademoiselle", "maitre"}
)  # fmt: skip
_BRACKETED: Final = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")
_KEEP_PUNCT: Final = frozenset("-'’.")


def _clean(name: str) -> str:
    """Letters, marks that belong to a letter, spaces, and the punctuation names use."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", name):
        category = unicodedata.category(char)
        if category.startswith("L") or char in _KEEP_PUNCT:
            out.append(char)
        elif category.startswith("M"):
            # An accent stays with its letter; a variation selector after an emoji does not.
            if out and unicodedata.category(out[-1]).startswith(("L", "M")):
                out.append(char)
        else:
            out.append(" ")
    return "".join(out)


def _word(token: str) -> str:
    return token.strip("-'’.")


def first_name_of(full_name: str) -> str:
    """The first name to greet someone by; the cleaned full name when no word is left."""
    head = _BRACKETED.sub(" ", full_name).split(",")[0]
    words = [w for w in (_word(t) for t in _clean(head).split()) if w]
    while len(words) > 1 and fold(words[0]).rstrip(".") in _TITLES:
        words.pop(0)
    if not words:
        fallback = " ".join(_clean(full_name).split())
        return fallback or full_name.strip()
    first = words[0]
    if first.isupper() and len(first) > 1:
        # "DUPONT Marie": a capitalised surname first, then the given name in normal case.
        later = next((w for w in words[1:] if not w.isupper()), None)
        if later is not None:
            return later
        return "-".join(part.capitalize() for part in first.split("-"))
    return first
