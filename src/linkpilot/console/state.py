"""The console's picture of the engine: a snapshot folded over the engine's events.

Pure functions, so the message flow can be tested without a terminal and every screen reads
one immutable value.
"""

from __future__ import annotations

from dataclasses import replace

from linkpilot.console.facade import (
    CAMPAIGN_ACTION,
    BreakerView,
    EngineSnapshot,
    RunningView,
    SessionView,
)
from linkpilot.engine.events import (
    BreakerChanged,
    CampaignFinished,
    CampaignStarted,
    ClockChecked,
    Event,
    Progress,
    QuotaChanged,
    SessionChanged,
)


def apply_event(state: EngineSnapshot, event: Event) -> EngineSnapshot:
    """The snapshot after `event`. Log lines change nothing here: the log screen keeps them."""
    if isinstance(event, QuotaChanged):
        return replace(state, gauges={k: dict(v) for k, v in event.gauges.items()})
    if isinstance(event, BreakerChanged):
        keep_since = state.breaker.since if state.breaker.state == event.state else None
        since = None if event.state == "closed" else (keep_since or event.at)
        view = BreakerView(event.state, event.reason, event.hard, since, event.retry_at)
        return replace(state, breaker=view)
    if isinstance(event, ClockChecked):
        return replace(state, clock_skew_s=event.skew_s, clock_ok=event.ok)
    if isinstance(event, SessionChanged):
        return replace(state, session=SessionView(event.status, event.expires_at))
    if isinstance(event, CampaignStarted):
        running = RunningView(event.campaign, event.run_id, event.dry_run, 0, event.planned)
        return replace(state, running=running)
    if isinstance(event, Progress):
        base = state.running
        if base is None or base.campaign != event.campaign:
            base = RunningView(event.campaign, event.run_id, False)
        running = replace(base, done=event.done, total=event.total, current=event.current)
        return replace(state, running=running)
    if isinstance(event, CampaignFinished):
        if state.running is not None and state.running.campaign == event.campaign:
            return replace(state, running=None)
        return state
    return state


def quota_spent(state: EngineSnapshot, campaign: str) -> bool:
    gauge = state.gauges.get(CAMPAIGN_ACTION.get(campaign, ""))
    if not gauge:
        return False
    day_spent = gauge.get("day_limit") is not None and gauge.get("day_used", 0) >= gauge["day_limit"]
    week_spent = gauge.get("week_limit") is not None and gauge.get("week_used", 0) >= gauge["week_limit"]
    return day_spent or week_spent


def campaign_blocked(state: EngineSnapshot, campaign: str, *, busy: bool) -> str | None:
    """Why the campaign's key cannot act now (shown beside the footer), or None when it can."""
    if busy or state.running is not None:
        return "a campaign is running"
    if state.breaker.is_open:
        return "the breaker is open"
    if not state.working_hours:
        return "outside working hours"
    if quota_spent(state, campaign):
        return f"the {CAMPAIGN_ACTION[campaign].replace('_', ' ')} quota is spent"
    return None
