"""The optional daily digest: what was sent, what was skipped and why, the quota left, and
tomorrow's birthdays."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from linkpilot.common.clock import local_date
from linkpilot.common.settings import Settings
from linkpilot.engine.quota.contract import QuotaLedger
from linkpilot.storage.birthdays import birthdays_due
from linkpilot.storage.contacts import names_of
from linkpilot.storage.database import Database
from linkpilot.storage.notifications import Outgoing
from linkpilot.storage.runs import skipped_between
from linkpilot.storage.stats import sent_between

NAMES_SHOWN = 5
KIND_WORDS = {"birthday": "birthday wishes", "visit": "profile visits", "withdrawal": "invitations withdrawn"}


async def compose_digest(settings: Settings, db: Database, ledger: QuotaLedger, now: datetime) -> Outgoing:
    zone = settings.zone
    today = local_date(now, zone)
    start = datetime.combine(today, time(0), tzinfo=zone)
    end = start + timedelta(days=1)
    async with db.session() as session:
        sent = await sent_between(session, start, end)
        skipped = await skipped_between(session, start, end)
        due = await birthdays_due(session, today + timedelta(days=1), late_days=0, first_degree_only=True)
        names = await names_of(session, due.contact_ids()[:NAMES_SHOWN])
    quota = await ledger.snapshot()
    lines = [
        "Sent today: "
        + (", ".join(f"{n} {KIND_WORDS.get(k, k)}" for k, n in sorted(sent.items())) or "nothing"),
        "Skipped today: "
        + (", ".join(f"{n} {r.replace('_', ' ')}" for r, n in sorted(skipped.items())) or "nobody"),
        "Quota left today: "
        + ", ".join(
            f"{action.replace('_', ' ')} {max(0, g['day_limit'] - g['day_used'])} of {g['day_limit']}"
            for action, g in sorted(quota.gauges().items())
            if "day_limit" in g
        ),
        f"Tomorrow's birthdays: {len(due)}"
        + (f" ({', '.join(names)}{', …' if len(due) > len(names) else ''})" if names else ""),
    ]
    return Outgoing("digest", f"LinkPilot: the day of {today.isoformat()}", "\n".join(lines))
