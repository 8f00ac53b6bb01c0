"""What a campaign run reports: the `run --json` object and the exit code it maps to."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from linkpilot.common.errors import ExitCode
from linkpilot.engine.events import CampaignFinished, RunCounts


class StopReason(StrEnum):
    COMPLETED = "completed"
    NOTHING_TO_DO = "nothing_to_do"
    QUOTA = "quota"
    OUTSIDE_WORKING_HOURS = "outside_working_hours"
    BREAKER_OPEN = "breaker_open"
    CHECKPOINT = "checkpoint"
    PAGE_UNREADABLE = "page_unreadable"
    CLOCK_SKEW = "clock_skew"
    NO_SESSION = "no_session"
    BROWSER_FAILED = "browser_failed"
    CANCELLED = "cancelled"
    FAILED = "failed"


EXIT_CODES: dict[StopReason, ExitCode] = {
    StopReason.COMPLETED: ExitCode.OK,
    StopReason.NOTHING_TO_DO: ExitCode.OK,
    # A spent budget or closed working hours is the ledger doing its job, not a failure.
    StopReason.QUOTA: ExitCode.OK,
    StopReason.OUTSIDE_WORKING_HOURS: ExitCode.OK,
    StopReason.BREAKER_OPEN: ExitCode.BREAKER_OPEN,
    StopReason.CHECKPOINT: ExitCode.BREAKER_OPEN,
    # Acting on a page read by halves could wish the wrong people: loud, like a checkpoint.
    StopReason.PAGE_UNREADABLE: ExitCode.BREAKER_OPEN,
    # Acting on another day than LinkedIn's is as unsafe as acting past a checkpoint.
    StopReason.CLOCK_SKEW: ExitCode.BREAKER_OPEN,
    StopReason.NO_SESSION: ExitCode.NO_SESSION,
    StopReason.BROWSER_FAILED: ExitCode.FAILURE,
    StopReason.CANCELLED: ExitCode.FAILURE,
    StopReason.FAILED: ExitCode.FAILURE,
}


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One person the campaign means to act on, and why: shown before anything is done."""

    slug: str
    name: str
    action: str
    reason: str
    text: str | None = None
    template_id: str | None = None
    occurrence: str | None = None
    days_late: int | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    slug: str | None
    name: str
    reason: str


@dataclass
class RunSummary:
    campaign: str
    dry_run: bool
    run_id: int | None = None
    planned: list[PlanItem] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    done: Counter[str] = field(default_factory=Counter)
    stop: StopReason = StopReason.COMPLETED
    stop_detail: str | None = None
    quota: dict[str, Any] = field(default_factory=dict)
    breaker: dict[str, Any] = field(default_factory=dict)
    # What could not be read when the run stopped with page_unreadable (PageUnreadable.as_json).
    unreadable: dict[str, Any] | None = None
    # When the site was read for the plan (a run on a confirmed plan keeps that plan's time).
    planned_at: datetime | None = None

    @property
    def exit_code(self) -> ExitCode:
        return EXIT_CODES[self.stop]

    def count(self, outcome: str) -> None:
        self.done[outcome] += 1

    def finished(self, at: datetime) -> CampaignFinished:
        """The event that tells subscribers how the run ended."""
        counts = RunCounts(
            sent=self.done.get("sent", 0),
            failed=self.done.get("failed", 0),
            unknown=self.done.get("unknown", 0),
            skipped=len(self.skipped),
        )
        return CampaignFinished(
            campaign=self.campaign,
            run_id=self.run_id,
            counts=counts,
            stopped=str(self.stop),
            summary=self.to_json(),
            at=at,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            "counts": {
                "planned": len(self.planned),
                "sent": self.done.get("sent", 0),
                "failed": self.done.get("failed", 0),
                "unknown": self.done.get("unknown", 0),
                "skipped": dict(sorted(Counter(s.reason for s in self.skipped).items())),
            },
            "plan": [{k: v for k, v in asdict(item).items() if v is not None} for item in self.planned],
            "skipped": [asdict(skip) for skip in self.skipped],
            "quota": self.quota,
            "breaker": self.breaker,
            "stopped": {"reason": str(self.stop), "detail": self.stop_detail},
            "unreadable": self.unreadable,
            "exit_code": int(self.exit_code),
        }
