"""Campaign runs: each one recorded with its plan and its outcome, dry runs included."""

from __future__ import annotations

from typing import Any

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
