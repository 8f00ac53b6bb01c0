"""What the three campaigns must do on a world, whatever its markup: the classic outcomes.

Derived from the practice site's world (the same rules the end-to-end tests check the classic
markup against), so every mutated seed is held to what the classic markup gives.
"""

from __future__ import annotations

from dataclasses import dataclass

from linkpilot.sandbox import World
from linkpilot.sandbox.search import Query

# Small on purpose (the suite runs 42 worlds): six wishes, four visits over two results pages,
# three withdrawals. Every card, result and invitation is still read; the traps (Connect and
# Follow cards, homonyms two days apart, Thierry five days ago, the wishes already in the
# threads) all sit in or right past these windows.
LATE_DAYS = 2
KEYWORDS = "Terraform"
OLDER_THAN_DAYS = 300


@dataclass(frozen=True)
class Expected:
    wished: frozenset[str]
    birthday_skips: dict[str, str]  # slug -> reason
    days_late: dict[str, int]  # planned slug -> days late
    visited: tuple[str, ...]  # in search order
    withdrawn: tuple[str, ...]  # oldest first
    too_recent: frozenset[str]


def expected(world: World) -> Expected:
    wished: set[str] = set()
    skips: dict[str, str] = {}
    days_late: dict[str, int] = {}
    for person, days in world.birthday_cards():
        if days > LATE_DAYS:
            skips[person.slug] = "not_in_window"
        elif person.degree != 1:
            skips[person.slug] = "not_first_degree"
        else:
            days_late[person.slug] = days
            if person.role == "already-wished":
                skips[person.slug] = "wished_in_thread"
            else:
                wished.add(person.slug)
    query = Query(KEYWORDS)
    matches = sorted(
        (p for p in world.people if query.matches(p)), key=lambda p: (p.degree, p.full_name, p.slug)
    )
    today = world.today
    old = sorted(
        (inv for inv in world.invitations if (today - inv.sent_on).days >= OLDER_THAN_DAYS),
        key=lambda inv: inv.sent_on,
    )
    recent = {inv.slug for inv in world.invitations if (today - inv.sent_on).days < OLDER_THAN_DAYS}
    return Expected(
        frozenset(wished),
        skips,
        days_late,
        tuple(p.slug for p in matches),
        tuple(inv.slug for inv in old),
        frozenset(recent),
    )
