"""How old a sent invitation is, from its `<time datetime=...>` value or its "Sent ..." text.

LinkedIn rounds ages down ("Sent 3 months ago" from three to just under four months), so a
text age is a lower bound: a month counts 30 days, a week 7, a year 365, and anything in
hours or minutes counts as today. Withdrawing on a lower bound never withdraws early. A
`datetime` attribute, when the page has one, is exact and preferred.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from linkpilot.engine.campaigns.logic.words import (
    NUMBER_WORDS,
    TODAY_WORDS,
    YESTERDAY_WORDS,
    iso_date,
    number,
    tokens,
)

_UNIT_DAYS: Final[dict[str, int]] = {
    "second": 0, "seconds": 0, "seconde": 0, "secondes": 0, "sec": 0,
    "minute": 0, "minutes": 0, "min": 0, "mins": 0,
    "hour": 0, "hours": 0, "heure": 0, "heures": 0, "hr": 0, "hrs": 0, "h": 0,
    "day": 1, "days": 1, "jour": 1, "jours": 1,
    "week": 7, "weeks": 7, "semaine": 7, "semaines": 7, "wk": 7, "wks": 7,
    "month": 30, "months": 30, "mois": 30, "mo": 30, "mos": 30,
    "year": 365, "years": 365, "an": 365, "ans": 365, "annee": 365, "annees": 365, "yr": 365, "yrs": 365,
}  # fmt: skip
_EPOCH_MS: Final = re.compile(r"^\s*(\d{12,14})\s*$")


def _from_datetime(text: str, today: dt.date) -> int | None:
    sent = iso_date(text)
    if sent is not None:
        return max(0, (today - sent).days)
    epoch = _EPOCH_MS.match(text)
    if epoch:
        # LinkedIn's data attributes carry epoch milliseconds.
        sent = dt.datetime.fromtimestamp(int(epoch.group(1)) / 1000, tz=dt.UTC).date()
        return max(0, (today - sent).days)
    return None


def _count(word: str) -> int | None:
    if word[:1].isdigit():
        return number(word)
    return NUMBER_WORDS.get(word)


def parse_invitation_age(text: str, today: dt.date) -> int | None:
    """Age in whole days (a lower bound for texts); None when the text gives no age.

    Accepts "Sent 3 months ago", "Sent today", "Sent yesterday", "Sent 1 week ago",
    "Envoyée il y a 3 mois", "il y a 1 an", "aujourd'hui", or a `datetime` attribute value
    ("2025-01-02", "2025-01-02T10:00:00Z", epoch milliseconds).
    """
    exact = _from_datetime(text, today)
    if exact is not None:
        return exact
    words = tokens(text)
    for i, word in enumerate(words):
        if word in TODAY_WORDS:
            return 0
        if word in YESTERDAY_WORDS:
            return 1
        unit = words[i + 1] if i + 1 < len(words) else ""
        count = _count(word)
        if count is None or unit not in _UNIT_DAYS:
            continue
        after = words[i + 2] if i + 2 < len(words) else ""
        french = i >= 3 and words[i - 3 : i] == ["il", "y", "a"]
        if after == "ago" or french:
            return count * _UNIT_DAYS[unit]
    return None


# Whether a text gives an age does not depend on the day it is read: any day will do.
_ANY_DAY: Final = dt.date(2000, 6, 15)


def is_invitation_age(text: str) -> bool:
    """Whether the text gives an invitation's age ("Sent 3 months ago", a date)."""
    return parse_invitation_age(text, _ANY_DAY) is not None


def should_withdraw(age_days: int | None, threshold_days: int) -> bool:
    """Withdraw only an invitation known to be at least `threshold_days` old."""
    return age_days is not None and age_days >= threshold_days
