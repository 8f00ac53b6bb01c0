"""Settings of one practice site instance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tzlocal import get_localzone_name

Language = Literal["en", "fr"]
Markup = Literal["classic", "hashed", "mutated"]
Clock = Callable[[], dt.datetime]

LANGUAGES: tuple[Language, ...] = ("en", "fr")
MARKUPS: tuple[Markup, ...] = ("classic", "hashed", "mutated")


def real_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def box_zone() -> str:
    """The machine's own time zone, as LinkPilot itself defaults to it."""
    return get_localzone_name() or "UTC"


@dataclass(frozen=True)
class SandboxConfig:
    """Everything that decides what the site shows.

    The site's "today" is its clock's date in ``timezone`` (LinkedIn shows the member's
    local date), taken when the world is built; ``today`` pins it instead. A product talking
    to the site must share its clock and zone: tests move both together or neither.
    """

    seed: int = 7
    today: dt.date | None = None
    timezone: str = field(default_factory=box_zone)
    clock: Clock = field(default=real_now, compare=False, repr=False)
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
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {self.timezone!r}") from None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC)

    def local_today(self) -> dt.date:
        """The pinned date, else the clock's date in the site's zone."""
        return self.today or self.clock().astimezone(self.zone).date()
