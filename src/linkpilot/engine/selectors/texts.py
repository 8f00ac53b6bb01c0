"""Text recognisers: how the engine knows a status line or an age when no element says so.

A key with `text = "<name>"` keeps only the elements whose visible text the recogniser
accepts, whichever candidate or layer found them, so a class that moved to another element
can never hand the campaign a headline for a status line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from linkpilot.engine.campaigns.logic.birthday_status import is_birthday_status
from linkpilot.engine.campaigns.logic.invitation_age import is_invitation_age

Recogniser = Callable[[str], bool]

# LinkedIn's connection degree as the top card and results print it: "1st", "· 2nd", "3rd+", "1er", "2e".
DEGREE = re.compile(r"^[\W_]*(1st|2nd|3rd\+?|1er|2e|3e\+?)[\W_]*$", re.IGNORECASE)


def has_words(text: str) -> bool:
    """Some letters: a name, a title. An image-only link has none."""
    return any(c.isalpha() for c in text)


def is_degree(text: str) -> bool:
    return DEGREE.match(text) is not None


RECOGNISERS: Mapping[str, Recogniser] = MappingProxyType(
    {
        "birthday_status": is_birthday_status,
        "invitation_age": is_invitation_age,
        "words": has_words,
        "degree": is_degree,
    }
)
