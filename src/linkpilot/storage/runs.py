"""Campaign runs: each one recorded with its plan and its outcome, dry runs included."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from linkpilot.common.clock import utc_now
from linkpilot.storage.models import CampaignRun


async def start_run(session: AsyncSession, campaign: str, *, dry_run: bool) -> CampaignRun:
    run = CampaignRun(campaign=campaign, dry_run=dry_run, status="running", started_at=utc_now())
    session.add(run)
    await session.flush()
    return run


async def finish_run(
    session: AsyncSession,
    run_id: int,
    *,
    status: str,
    stop_reason: str | None,
    plan: list[dict[str, Any]],
    counts: dict[str, Any],
) -> None:
    run = await session.get(CampaignRun, run_id)
    if run is None:
        return
    run.status = status
    run.stop_reason = stop_reason
    run.plan = plan
    run.counts = counts
    run.finished_at = utc_now()


async def last_real_run_started(session: AsyncSession, campaign: str) -> datetime | None:
    """When `campaign` last started a run that was not a dry run; None if it never did."""
    return (
        await session.execute(
            select(CampaignRun.started_at)
            .where(CampaignRun.campaign == campaign, CampaignRun.dry_run.is_(False))
            .order_by(CampaignRun.started_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def skipped_between(session: AsyncSession, start: datetime, end: datetime) -> Counter[str]:
    """People skipped, by reason, in the real runs started in [start, end)."""
    skipped: Counter[str] = Counter()
    runs = await session.execute(
        select(CampaignRun.counts).where(
            CampaignRun.dry_run.is_(False), CampaignRun.started_at >= start, CampaignRun.started_at < end
        )
    )
    for (counts,) in runs:
        skipped.update({str(k): int(v) for k, v in (counts or {}).get("skipped", {}).items()})
    return skipped
