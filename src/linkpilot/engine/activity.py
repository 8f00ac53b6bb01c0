"""What was done lately, per local day: the dashboard's activity, published as an event."""

from __future__ import annotations

from linkpilot.engine.events import ActivityChanged
from linkpilot.engine.runtime import Runtime
from linkpilot.storage.stats import sent_per_day

ACTIVITY_DAYS = 30


async def publish_activity(rt: Runtime) -> tuple[int, ...]:
    """Read the last ACTIVITY_DAYS local days of sent actions and publish them."""
    async with rt.db.session() as session:
        per_day = await sent_per_day(session, today=rt.today(), zone=rt.settings.zone, days=ACTIVITY_DAYS)
    rt.bus.publish(ActivityChanged(per_day=per_day, at=rt.clock()))
    return per_day
