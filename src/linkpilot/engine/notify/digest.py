"""The optional daily digest: what was sent, what was skipped and why, the quota left, and
tomorrow's birthdays."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from linkpilot.common.settings import Settings
from linkpilot.engine.quota.contract import QuotaLedger
from linkpilot.storage.birthdays import birthdays_due
from linkpilot.storage.database import Database
from linkpilot.storage.models import CampaignRun, Contact, Interaction, InteractionState
from linkpilot.storage.notifications import Outgoing

NAMES_SHOWN = 5
KIND_WORDS = {"birthday": "birthday wishes", "visit": "profile visits", "withdrawal": "invitations withdrawn"}


async def compose_digest(settings: Settings, db: Database, ledger: QuotaLedger, now: datetime) -> Outgoing:
    zone = settings.zone
    today = now.astimezone(zone).date()
    start = datetime.combine(today, time(0), tzinfo=zone)
    end = start + timedelta(days=1)
    async with db.session() as session:
        sent = Counter(
            {
                kind: int(n)
                for kind, n in await session.execute(
                    select(Interaction.kind, func.count())
                    .where(
                        Interaction.state == InteractionState.SENT.value,
                        Interaction.sent_at >= start,
                        Interaction.sent_at < end,
                    )
                    .group_by(Interaction.kind)
                )
            }
        )
        skipped: Counter[str] = Counter()
        runs = await session.execute(
            select(CampaignRun.counts).where(
                CampaignRun.dry_run.is_(False), CampaignRun.started_at >= start, CampaignRun.started_at < end
            )
        )
        for (counts,) in runs:
            skipped.update({str(k): int(v) for k, v in (counts or {}).get("skipped", {}).items()})
        due = await birthdays_due(session, today + timedelta(days=1), late_days=0, first_degree_only=True)
        ids = due.contact_ids()[:NAMES_SHOWN]
        names = (
            list(
                (
                    await session.execute(
                        select(Contact.name).where(Contact.id.in_(ids)).order_by(Contact.name)
                    )
                ).scalars()
            )
            if ids
            else []
        )
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
