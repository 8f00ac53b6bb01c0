"""Deterministic contacts in a real SQLite file: fixed names, statuses, timestamps."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from linkpilot.storage.blacklist import add_entry
from linkpilot.storage.database import Database
from linkpilot.storage.migrate import upgrade
from linkpilot.storage.models import Contact, Interaction

FIRST = ["Ana", "Bob", "Chloé", "David", "Éloïse", "Farid", "Gemma", "Hugo", "Inès", "Jean", "Karim", "Léa"]
LAST = ["Amadou", "Bernard", "Dupont", "Durand", "Lima", "Martin", "Noir", "Petit", "Smith", "Zhang"]
HEADLINES = ["Data engineer", "Développeuse Python", "CTO at Acme", "Recruiter", "Product manager", None]
STATUSES = ["new", "visited", "connected", "invited"]
T0 = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


async def seed_contacts(url: str, count: int = 120) -> None:
    upgrade(url)
    db = Database(url)
    try:
        async with db.transaction() as session:
            contacts = [
                Contact(
                    profile_url=f"https://www.linkedin.com/in/person-{n:04d}/",
                    name=f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]}",
                    headline=HEADLINES[n % len(HEADLINES)],
                    status=STATUSES[n % len(STATUSES)],
                    degree=1 + n % 3,
                    open_to_work=n % 5 == 0,
                    fit_score=None if n % 4 == 0 else round((n % 10) / 10, 2),
                    birthday_month=1 + n % 12,
                    birthday_day=1 + n % 28,
                    location="Lyon, France" if n % 2 else "London, UK",
                    created_at=T0,
                    updated_at=T0,
                )
                for n in range(count)
            ]
            session.add_all(contacts)
            await session.flush()
            # "Ana Amadou" (n = 0) sorts first: give her a timeline.
            ana = contacts[0]
            session.add_all(
                [
                    Interaction(
                        contact_id=ana.id,
                        kind="birthday",
                        state="sent",
                        text="Happy birthday Ana!",
                        occurrence=date(2025, 1, 1),
                        created_at=T0 - timedelta(days=300),
                        sent_at=T0 - timedelta(days=300),
                    ),
                    Interaction(
                        contact_id=ana.id,
                        kind="visit",
                        state="sent",
                        created_at=T0 + timedelta(days=3),
                        sent_at=T0 + timedelta(days=3),
                    ),
                ]
            )
            await add_entry(session, contacts[1].profile_url or "", reason="asked not to be contacted")
    finally:
        await db.dispose()


def seed_file(path: Path, count: int = 120) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    asyncio.run(seed_contacts(url, count))
    return url
