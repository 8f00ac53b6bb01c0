"""Settings of one practice site instance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Language = Literal["en", "fr"]
Markup = Literal["classic", "hashed", "mutated"]

LANGUAGES: tuple[Language, ...] = ("en", "fr")
MARKUPS: tuple[Markup, ...] = ("classic", "hashed", "mutated")


@dataclass(frozen=True)
class SandboxConfig:
    """Everything that decides what the site shows.

    ``today`` is the site's calendar date: birthdays and invitation ages are computed from
    it, never from the real clock, so a test pins it and gets the same world every time.
    """

    seed: int = 7
    today: dt.date = field(default_factory=dt.date.today)
    language: Language = "en"
    markup: Markup = "classic"
    # Which variant of the "mutated" markup (ignored by the other two): see mutation.py.
    mutation_seed: int = 0
    people: int = 60
    login_email: str = "pilot@sandbox.test"
    login_password: str = "sandbox-password"  # noqa: S105 - a practice account, not a secret
    li_at: str = "sandbox-li-at"
    me_name: str = "Alex Pilot"
    # How many birthday cards the page renders up front and fetches per scroll.
    birthday_batch: int = 10
    # Birthdays at most this many days old are listed on the birthday page.
    birthday_window_days: int = 14
    search_page_size: int = 10

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {self.language!r}")
        if self.markup not in MARKUPS:
            raise ValueError(f"markup must be one of {MARKUPS}, not {self.markup!r}")
        if (
            isinstance(self.mutation_seed, bool)
            or not isinstance(self.mutation_seed, int)
            or self.mutation_seed < 0
        ):
            raise ValueError(f"mutation_seed must be a whole number >= 0, not {self.mutation_seed!r}")
        if self.people < 30:
            # The fixed cast (homonyms, Thierry, traps...) needs room around it.
            raise ValueError("people must be at least 30")
        if self.birthday_batch < 1 or self.search_page_size < 1:
            raise ValueError("batch and page sizes must be positive")
