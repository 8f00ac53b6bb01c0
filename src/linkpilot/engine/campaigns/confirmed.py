"""A plan shown to the operator, used again instead of reading the site again.

Reading today's birthday list takes a browser and, at a person's pace, tens of seconds. A plan
read minutes ago today still names the right people for today: what may have changed since is
in storage (wished meanwhile by another run, put on the blacklist, a wish left unknown), and
that is checked again, cheaply, each time the plan is used. The page itself is checked again
person by person before anything is sent (the card, the name, the Message button, the thread).
Only campaigns that can re-check their plan this way (`Rechecks`) are ever planned from one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Protocol, runtime_checkable

from linkpilot.common.clock import local_date
from linkpilot.engine.campaigns.summary import PlanItem, RunSummary, Skip, StopReason
from linkpilot.engine.runtime import Runtime

# How long a reading of the site stands for a new one. Past it, or on another local day, the
# site is read again: a plan confirmed long ago is re-made, not trusted.
PLAN_FRESH_FOR = timedelta(minutes=15)
# Plans read whole: anything else (no session, the breaker open, a page unreadable) is made again.
WHOLE = frozenset({StopReason.COMPLETED, StopReason.NOTHING_TO_DO})


@runtime_checkable
class Rechecks(Protocol):
    async def recheck(self, items: Sequence[PlanItem]) -> tuple[list[PlanItem], list[Skip]]:
        """The items still to act on now, by what storage says, and those to skip and why."""
        ...


def still_fresh(rt: Runtime, plan: RunSummary) -> bool:
    """Whether `plan`'s reading of the site may stand for a new one now."""
    read_at = plan.planned_at
    if read_at is None or plan.stop not in WHOLE:
        return False
    age = rt.clock() - read_at
    return local_date(read_at, rt.settings.zone) == rt.today() and timedelta(0) <= age <= PLAN_FRESH_FOR


async def rechecked(rt: Runtime, campaign: object, plan: RunSummary) -> RunSummary | None:
    """`plan` checked again in storage now, or None when it must be made again from the site."""
    if not isinstance(campaign, Rechecks) or not still_fresh(rt, plan):
        return None
    planned, skipped = await campaign.recheck(plan.planned)
    return replace(
        plan,
        planned=planned,
        skipped=[*plan.skipped, *skipped],
        done=Counter(),
        stop=StopReason.COMPLETED if planned else StopReason.NOTHING_TO_DO,
    )
