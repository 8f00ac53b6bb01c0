"""Selector scores: how often each candidate of a logical key found its element, and when.

The engine keeps these in memory while it works and writes the changed ones back in one
transaction, so resolving an element never waits on the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from linkpilot.storage.models import SelectorStat


@dataclass
class StatRecord:
    key: str
    candidate: str
    learned: bool = False
    successes: int = 0
    failures: int = 0
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None


async def load_stats(session: AsyncSession) -> list[StatRecord]:
    rows = (await session.execute(select(SelectorStat).order_by(SelectorStat.id))).scalars()
    return [
        StatRecord(
            key=row.key,
            candidate=row.candidate,
            learned=row.learned,
            successes=row.successes,
            failures=row.failures,
            last_success_at=row.last_success_at,
            last_failure_at=row.last_failure_at,
        )
        for row in rows
    ]


async def save_stats(session: AsyncSession, records: Iterable[StatRecord]) -> int:
    """Insert or overwrite the rows of `records` (matched on key and candidate)."""
    wanted = {(r.key, r.candidate): r for r in records}
    if not wanted:
        return 0
    keys = {k for k, _ in wanted}
    existing = {
        (row.key, row.candidate): row
        for row in (await session.execute(select(SelectorStat).where(SelectorStat.key.in_(keys)))).scalars()
    }
    for ident, record in wanted.items():
        row = existing.get(ident)
        if row is None:
            row = SelectorStat(key=record.key, candidate=record.candidate)
            session.add(row)
        row.learned = record.learned
        row.successes = record.successes
        row.failures = record.failures
        row.last_success_at = record.last_success_at
        row.last_failure_at = record.last_failure_at
    return len(wanted)
