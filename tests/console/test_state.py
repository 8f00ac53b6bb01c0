"""Folding engine events into the console's snapshot, and what each state lets the keys do."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from linkpilot.console.facade import EngineSnapshot
from linkpilot.console.state import apply_event, campaign_blocked, quota_spent
from linkpilot.engine.events import (
    BreakerChanged,
    CampaignFinished,
    CampaignStarted,
    ClockChecked,
    LogLine,
    Progress,
    QuotaChanged,
    SessionChanged,
)
from tests.console.fakes import GAUGES, NOW


def test_breaker_since_is_when_it_opened_not_when_it_was_last_told() -> None:
    state = apply_event(
        EngineSnapshot(), BreakerChanged(state="open", reason="3 failures", hard=False, at=NOW)
    )
    later = NOW + timedelta(minutes=5)
    state = apply_event(
        state,
        BreakerChanged(
            state="open", reason="3 failures", hard=False, retry_at=later + timedelta(hours=1), at=later
        ),
    )
    assert state.breaker.since == NOW
    assert state.breaker.retry_at == later + timedelta(hours=1)
    state = apply_event(state, BreakerChanged(state="half_open", reason=None, hard=False, at=later))
    assert state.breaker.since == later
    state = apply_event(state, BreakerChanged(state="closed", reason=None, hard=False, at=later))
    assert state.breaker.since is None
    assert not state.breaker.is_open


def test_a_run_from_start_to_finish() -> None:
    state = apply_event(
        EngineSnapshot(), CampaignStarted(campaign="birthday", run_id=4, dry_run=True, planned=5)
    )
    assert state.running is not None
    assert (state.running.done, state.running.total, state.running.dry_run) == (0, 5, True)
    state = apply_event(state, Progress(campaign="birthday", run_id=4, done=2, total=5, current="Ana"))
    assert state.running is not None
    assert (state.running.done, state.running.current, state.running.dry_run) == (2, "Ana", True)
    # Another campaign's end does not end this one.
    assert apply_event(state, CampaignFinished(campaign="sourcing", run_id=9, summary={})) == state
    state = apply_event(state, CampaignFinished(campaign="birthday", run_id=4, summary={}))
    assert state.running is None


def test_progress_without_a_start_still_shows_a_run() -> None:
    # The console may open while a scheduled run is under way.
    state = apply_event(EngineSnapshot(), Progress(campaign="sourcing", run_id=2, done=7, total=40))
    assert state.running is not None
    assert (state.running.campaign, state.running.done, state.running.total) == ("sourcing", 7, 40)


def test_quota_session_and_log_lines() -> None:
    state = apply_event(EngineSnapshot(), QuotaChanged(gauges=GAUGES))
    assert state.gauges == GAUGES
    state = apply_event(state, SessionChanged(status="valid", expires_at=NOW))
    assert (state.session.status, state.session.expires_at) == ("valid", NOW)
    assert apply_event(state, LogLine(level="info", message="hello")) == state


def test_what_blocks_a_campaign_key() -> None:
    idle = EngineSnapshot(gauges=GAUGES)
    assert campaign_blocked(idle, "birthday", busy=False) is None
    assert campaign_blocked(idle, "birthday", busy=True) == "a campaign is running"
    opened = apply_event(idle, BreakerChanged(state="open", reason="captcha", hard=True))
    assert campaign_blocked(opened, "sourcing", busy=False) == "the breaker is open"
    assert (
        campaign_blocked(replace(idle, working_hours=False), "invitations", busy=False)
        == "outside working hours"
    )

    week_spent = {**GAUGES, "profile_visit": {**GAUGES["profile_visit"], "week_used": 400}}
    state = replace(idle, gauges=week_spent)
    assert quota_spent(state, "sourcing")
    assert campaign_blocked(state, "sourcing", busy=False) == "the profile visit quota is spent"
    assert campaign_blocked(state, "birthday", busy=False) is None


def test_the_clock_guards_reading_reaches_the_snapshot() -> None:
    skewed = apply_event(EngineSnapshot(), ClockChecked(ours=NOW, site=NOW, skew_s=-600.0, ok=False))
    assert (skewed.clock_skew_s, skewed.clock_ok) == (-600.0, False)
    fixed = apply_event(skewed, ClockChecked(ours=NOW, site=NOW, skew_s=1.0, ok=True))
    assert (fixed.clock_skew_s, fixed.clock_ok) == (1.0, True)
